"""Staying in one's language: every link a reader follows keeps their prefix, translated
or not; staff see language names, not codes."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from cms import bidi
from cms.languages import language_label, localized_url
from tests.factories import (
    SuperuserFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


@pytest.fixture
def site(home_page):
    bulletins = build_bulletin_index(home_page)
    events = build_event_index(home_page)
    event = build_event(events, title="Know Your Rights", rsvp_mode="internal")
    bulletin = build_bulletin(
        bulletins,
        title="Resources",
        slug="resources",
        body=[
            (
                "paragraph",
                f'<p>Come to <a linktype="page" id="{event.pk}">the session</a>.</p>',
            ),
            (
                "call_to_action",
                {"text": "", "label": "RSVP", "page": event.pk, "url": ""},
            ),
        ],
    )
    return {"bulletin": bulletin, "event": event, "home": home_page}


def test_language_names_for_staff():
    with translation.override("en"):
        assert language_label("ar") == "العربية (Arabic)"
        assert language_label("zh-hans") == "简体中文 (Simplified Chinese)"
        assert language_label("en") == "English"
    with translation.override("es"):
        # Spanish writes language names lower-case ("polaco"), as the catalogue now
        # does for readers' document links; the endonym keeps its capital.
        assert language_label("pl") == "Polski (polaco)"


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_archives_link_untranslated_bulletins_under_the_readers_prefix(
    client, site, language
):
    archive = client.get(f"/{language}/bulletins/").content.decode()
    link = f'href="/{language}/bulletins/resources/"'
    assert link in archive
    assert 'href="/bulletins/resources/"' not in archive

    page = client.get(f"/{language}/bulletins/resources/")
    html = page.content.decode()
    assert page.status_code == 200
    direction = bidi.direction(language)
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert '<article lang="en" dir="ltr">' in html, "English content, marked English"
    event_path = f"/{language}/events/{site['event'].slug}/"
    assert f'href="{event_path}"' in html, "rich text and buttons keep the prefix"
    assert f'href="{site["event"].url}"' not in html


def test_event_listing_rsvp_and_its_redirect_keep_the_prefix(client, site):
    event = site["event"]
    listing = client.get("/ar/events/").content.decode()
    assert f'href="/ar/events/{event.slug}/"' in listing

    page = client.get(f"/ar/events/{event.slug}/").content.decode()
    assert f'href="/ar/_events/{event.pk}/rsvp/"' in page
    assert f'href="/ar/events/{event.slug}/ical/"' in page

    form = client.get(f"/ar/_events/{event.pk}/rsvp/").content.decode()
    assert f'action="/ar/_events/{event.pk}/rsvp/"' in form
    answer = client.post(
        f"/ar/_events/{event.pk}/rsvp/",
        {"name": "Layla", "email": "layla@example.org"},
    )
    assert answer.status_code == 303
    # The untranslated event's page under the reader's prefix, as the listing links.
    assert answer["Location"] == f"/ar/events/{event.slug}/rsvp/?sent=1"
    thanks = client.get(answer["Location"]).content.decode()
    assert f'href="/ar/events/{event.slug}/"' in thanks  # "Back to the event"
    assert '<html lang="ar" dir="rtl">' in thanks

    # The page's own rsvp/ (links in e-mails) answers the same way.
    again = client.post(
        f"/ar/events/{event.slug}/rsvp/",
        {"name": "Layla", "email": "layla@example.org"},
    )
    assert again["Location"] == f"/ar/events/{event.slug}/rsvp/?sent=1"


def test_an_rsvp_to_a_translated_event_thanks_on_the_translation(client, site):
    """The guest lands under the event's page they read, in their language: the
    translation's own URL (its slug may differ), the same from either form URL."""
    event = site["event"]
    spanish = translate_page(event, "es", title="Conozca sus derechos", slug="kyr")
    spanish.refresh_from_db()
    assert spanish.url == "/es/events/kyr/"
    for form in (f"/es/_events/{event.pk}/rsvp/", f"{spanish.url}rsvp/"):
        answer = client.post(form, {"name": "Ana", "email": "ana@example.org"})
        assert answer["Location"] == f"{spanish.url}rsvp/?sent=1"
    thanks = client.get(answer["Location"])
    assert thanks.status_code == 200
    assert "Conozca sus derechos" in thanks.content.decode()
    assert thanks["Content-Language"] == "es"


def test_a_translated_page_links_to_its_translation(client, site):
    spanish = translate_page(site["bulletin"], "es", title="Recursos")
    assert localized_url(site["bulletin"], "es") == spanish.url
    assert localized_url(spanish, "en") == site["bulletin"].url
    assert localized_url(spanish, "ar") == "/ar/bulletins/resources/"
    archive = client.get("/es/bulletins/").content.decode()
    assert f'href="{spanish.url}"' in archive


def test_pages_under_the_home_page_fall_back_too(client, site):
    from subscribers.models import SignupPage

    signup = site["home"].add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()

    assert localized_url(signup, "pl") == "/pl/join/"
    page = client.get("/pl/join/")
    assert page.status_code == 200
    assert '<html lang="pl" dir="ltr">' in page.content.decode()
    assert client.get("/pl/no-such-page/").status_code == 404


def test_the_language_switcher_offers_every_language_of_this_page(client, site):
    html = client.get("/ar/bulletins/resources/").content.decode()
    header = html[: html.index('class="site-footer"')]  # the footer repeats it
    switcher = header[header.index('class="language-switcher"') :]
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)"', switcher)
    assert links == [
        (f"{prefix(code)}/bulletins/resources/", code) for code in LANGUAGES
    ]
    assert 'lang="ar" hreflang="ar" aria-current="page"' in switcher


def test_the_switcher_keeps_the_listings_filters_and_page(client, site):
    """On "Past events" filtered to rallies in Arabic, "Español" led to the Spanish
    upcoming events, every filter dropped; the archive's page 2 led to page 1. Each
    language's link keeps what the listing understood (and nothing it did not)."""
    html = client.get(
        "/ar/events/?when=past&kind=rally&month=2026-13&utm_source=x"
    ).content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    links = {
        code: unescape(url)
        for url, code in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', switcher)
    }
    assert links["es"] == "/es/events/?kind=rally&when=past"
    assert links["en"] == "/events/?kind=rally&when=past"
    assert links["ar"] == "/ar/events/?kind=rally&when=past"

    upcoming = client.get("/pl/events/").content.decode()
    switcher = upcoming[upcoming.index('class="language-switcher"') :]
    assert '<a href="/es/events/" lang="es"' in switcher


def test_admin_email_preview_names_languages(client, site):
    client.force_login(SuperuserFactory())
    url = reverse("cms_email_preview:preview", args=[site["bulletin"].pk])
    html = client.get(url + "?language=ar").content.decode()
    assert "العربية (Arabic)" in html
    assert "简体中文 (Simplified Chinese)" in html
    assert ">zh-hans<" not in html
    assert "no published translation in this language" in html


def test_the_switcher_costs_one_query_per_tree_level(
    site, django_assert_max_num_queries
):
    from cms.languages import localized_urls

    bulletin = site["bulletin"]
    translate_page(bulletin, "es", title="Recursos")
    localized_urls(bulletin)  # the site's root paths are cached from here on
    with django_assert_max_num_queries(3):  # its translations, its parent's, the parent
        urls = localized_urls(bulletin)
    assert urls == {
        "en": "/bulletins/resources/",
        "es": "/es/bulletins/resources/",
        **{code: f"/{code}/bulletins/resources/" for code in LANGUAGES[2:]},
    }
    assert urls == {code: localized_url(bulletin, code) for code in LANGUAGES}


def test_an_untranslated_petition_keeps_the_signers_language(client, site, settings):
    from campaigns.selectors import forget_petitions
    from tests.factories import CampaignFactory, build_petition_page

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    petition = build_petition_page(site["home"], CampaignFactory())
    forget_petitions()
    path = f"/ar{petition.url}"

    page = client.get(path).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    assert action.endswith("?lang=ar")
    answer = client.post(
        action.replace("&amp;", "&"), {"name": "Layla", "email": "layla@example.org"}
    )

    assert answer.status_code == 303
    assert answer["Location"] == f"{path}?signed=1#signed"
    thanks = client.get(f"{path}?signed=1").content.decode()
    assert '<html lang="ar" dir="rtl">' in thanks
    assert f'value="http://localhost{path}"' in thanks, "the link to share keeps /ar/"
    forget_petitions()


def test_english_cards_on_the_arabic_home_page_are_marked_left_to_right(client, site):
    """An untranslated bulletin's title and summary keep their own direction (its
    closing full stop stays at its end), the date around them is the reader's."""
    translate_page(site["home"], "ar")
    html = client.get("/ar/").content.decode()
    card = re.search(r'<article class="card"[^>]*>.*?</article>', html, re.S).group(0)
    assert card.startswith('<article class="card" lang="en" dir="ltr">')
    assert re.search(r'<p class="date" lang="ar" dir="rtl">', card)


# --- Django's language form (/i18n/setlang/) -------------------------------------------


def test_the_language_cookie_is_not_for_scripts_or_other_sites(client, settings):
    """The site's own switcher is plain links; the cookie Django's form sets (read for
    unprefixed URLs) is kept from scripts and cross-site requests, and from plain HTTP
    in production."""
    from tests.security.production import apply_production, https_client

    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "ar"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"

    apply_production(settings)
    response = https_client().post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.cookies["django_language"]["secure"] is True


def test_choosing_a_language_goes_to_the_same_page_in_it(client, site):
    """``next`` may carry another language's prefix: the reader lands on that page in
    the language chosen (its translation when there is one), never under two prefixes."""
    translate_page(site["bulletin"], "es", title="Recursos", slug="recursos")
    event = site["event"]

    def switch(next_url: str, language: str) -> str:
        response = client.post(
            "/i18n/setlang/", {"language": language, "next": next_url}
        )
        assert response.status_code == 302
        return response["Location"]

    assert switch("/es/bulletins/recursos/", "ar") == "/ar/bulletins/resources/"
    assert switch("/es/bulletins/recursos/", "en") == "/bulletins/resources/"
    assert switch("/ar/bulletins/resources/", "es") == "/es/bulletins/recursos/"
    assert switch("/bulletins/resources/?x=1#top", "es") == (
        "/es/bulletins/recursos/?x=1#top"
    )
    assert switch(f"/es/events/{event.slug}/ical/", "ar") == (
        f"/ar/events/{event.slug}/ical/"
    )
    assert switch("/es/", "pl") == "/pl/"
    assert switch("/es/search/?q=rent", "ar") == "/ar/search/?q=rent"
    # No page there: the same path under the chosen prefix, never two prefixes.
    assert switch("/es/join/", "ar") == "/ar/join/"
    assert switch("/ar/no-such-page/", "en") == "/no-such-page/"
    # What follows the prefix never becomes another site's address.
    for sneaky in ("/es//evil.example/", "/es/\\evil.example/", "/es/\t/evil.example/"):
        location = switch(sneaky, "en").replace("\\", "/")
        assert location.startswith("/"), sneaky
        assert not location.startswith("//"), sneaky


@pytest.mark.parametrize(
    "next_url", ["/\x00/", "/es/bulletins/\x00/", "/bulletins/resources\x00/"]
)
def test_a_nul_in_next_is_no_page_and_no_500(client, site, next_url):
    """PostgreSQL refuses a NUL in a query: routing one to find "the same page"
    answered the switch with a 500 (through gunicorn, production settings)."""
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})

    assert response.status_code == 302
    assert response["Location"].startswith("/es/")
    assert "%00" in response["Location"]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_untranslated_home_and_indexes_mark_their_own_text_english(
    client, home_page, language
):
    """/pl/ with only English pages: the home page's and the archives' titles and
    introductions are English and say so (a screen reader reads them with an English
    voice); the fixed text around them stays in the reader's language."""
    for page in (
        home_page,
        build_bulletin_index(home_page),
        build_event_index(home_page),
    ):
        page.intro = "<p>Welcome to the task force.</p>"
        page.save_revision().publish()
    direction = bidi.direction(language)
    for path in ("/", "/bulletins/", "/events/"):
        html = client.get(f"/{language}{path}").content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html
        heading = re.search(r"<h1[^>]*>", html)[0]
        assert heading == '<h1 lang="en" dir="ltr">', (path, heading)
        assert '<div class="intro" lang="en" dir="ltr"><p>Welcome' in html, path

    translated = translate_page(home_page, "es", title="Chicago está contigo")
    html = client.get(translated.url).content.decode()
    assert '<h1 lang="es" dir="ltr">Chicago está contigo</h1>' in html


@pytest.mark.parametrize("code", ["hi", "ar"])
def test_a_view_that_is_not_a_page_marks_its_language_in_the_switcher(
    client, site, code
):
    """The new-link page, search...: the switcher listed only the other languages, so
    a reader could not see which one they were in (a page's switcher marks it)."""
    html = client.get(f"/{code}/subscribers/new-link/").content.decode()
    header = html[: html.index('class="site-footer"')]
    switcher = header[header.index('class="language-switcher"') :]
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)"', switcher)
    assert [language for _url, language in links] == LANGUAGES
    assert (f"/{code}/subscribers/new-link/", code) in links
    assert f'lang="{code}" hreflang="{code}" aria-current="page"' in switcher
    assert switcher.count('aria-current="page"') == 1


def test_a_missing_page_without_a_prefix_speaks_the_readers_language(
    client, site, settings
):
    """A 404 at a path without a language prefix (a dead document link, a mistyped
    address, a petition taken down) was in English for everyone, left to right:
    Django gives every unprefixed path the default language. A missing page is no
    English page, so it follows the language cookie, else Accept-Language, as
    LocaleMiddleware reads them; its headers say so. The English pages at those paths
    stay English for everyone, and stay cacheable."""
    from django.core.cache import caches

    from cms.bidi import direction

    missing = [
        "/documents/987654/flyer.pdf",
        "/no-such-page/",
        "/bulletins/no-such-bulletin/",
        "/_events/987654/places/",
        "/favicon.ico/more",
    ]
    for language in LANGUAGES:
        tag = f'<html lang="{language}" dir="{direction(language)}">'
        for path in missing:
            for asked in (
                {"HTTP_ACCEPT_LANGUAGE": language},
                {"HTTP_COOKIE": f"django_language={language}"},
            ):
                response = client.get(path, **asked)
                assert response.status_code == 404, path
                assert tag in response.content.decode(), (path, asked)
                assert response["Content-Language"] == language, (path, asked)
                assert "Cookie" in response["Vary"], path
        gone = client.post(
            reverse("campaigns:sign", args=[987654]), HTTP_ACCEPT_LANGUAGE=language
        )
        assert tag in gone.content.decode()
        assert gone["Content-Language"] == language
    # The cookie wins over the browser's list, as it does for LocaleMiddleware.
    both = client.get(
        "/no-such-page/", HTTP_ACCEPT_LANGUAGE="es", HTTP_COOKIE="django_language=pl"
    )
    assert '<html lang="pl"' in both.content.decode()
    # A prefix still decides.
    prefixed = client.get("/pl/no-such-page/", HTTP_COOKIE="django_language=ar")
    assert '<html lang="pl" dir="ltr">' in prefixed.content.decode()
    assert prefixed["Content-Language"] == "pl"

    # The English page at an unprefixed path: English for an Arabic reader, stored
    # once and served to everyone.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reader-language-404",
        },
    }
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    url = site["bulletin"].url
    first = client.get(url, HTTP_COOKIE="django_language=ar")
    second = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en" dir="ltr">' in first.content.decode()
    assert first["Content-Language"] == "en"
    assert "Cookie" not in first["Vary"]
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    caches["pages"].clear()


def test_the_search_switcher_names_english_once_however_often_followed(client, site):
    """The English link of a page without a prefix says ``language=en``; followed, and
    the switcher's links built on that address, it piled up one more each time
    (``?q=x&language=en&language=en``)."""

    def links(path: str) -> dict[str, str]:
        html = client.get(path).content.decode()
        switcher = html.split('class="language-switcher"')[1].split("</ul>")[0]
        found = re.findall(r'href="([^"]+)"[^>]*hreflang="([^"]+)"', switcher)
        return {language: unescape(href) for href, language in found}

    english = links("/ar/search/?q=rent")["en"]
    assert english == "/search/?q=rent&language=en"
    again = links(english)
    assert again["en"] == english
    assert again["es"] == "/es/search/?q=rent"
    assert links("/es/search/?q=rent&language=en")["en"] == english


def test_an_address_under_the_english_prefix_leads_to_the_page_without_it(client, site):
    """English has no prefix; ``/en/bulletins/`` (typed, or shared by someone used to
    prefixed sites) was a 404. It leads to the page without the prefix, query kept;
    never to another site's address, and a POST is not redirected."""
    event = site["event"]
    assert client.get("/en/").status_code == 302
    assert client.get("/en/")["Location"] == "/"
    listing = client.get("/en/bulletins/?page=2")
    assert (listing.status_code, listing["Location"]) == (302, "/bulletins/?page=2")
    followed = client.get(f"/en/events/{event.slug}/", follow=True)
    assert followed.status_code == 200
    assert followed.redirect_chain == [(f"/events/{event.slug}/", 302)]
    assert client.get("/en//evil.example/").status_code == 404
    for sneaky in ("/en/\\evil.example/", "/en/%5Cevil.example/", "/en/\t/x.example/"):
        location = client.get(sneaky).headers.get("Location", "/")
        assert location.startswith("/"), sneaky
        assert not location.startswith("//"), sneaky
        assert "\\" not in location, sneaky
    assert client.post("/en/bulletins/").status_code == 404
    assert client.get("/es/no-such-page/").status_code == 404


def test_an_online_event_s_link_can_be_followed_from_its_card(client, home_page):
    """The listing's card (and the e-mail's) showed the online link as text to copy."""
    events = build_event_index(home_page)
    build_event(events, title="Webinar", online_url="https://meet.example.org/kyr?x=1")
    html = client.get("/events/").content.decode()
    assert '<a href="https://meet.example.org/kyr?x=1" dir="ltr">' in html
