"""The public site's way-finding: header menu, home page front door, footer, search and
the bulletin feeds, in each language. The six-language site takes a few seconds to
build, so each test below checks several things on one build."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Locale, Site

from campaigns.services.petitions import record_signature
from cms.models import SiteContact
from cms.navigation import menu_links
from cms.search import search_pages
from tests.cms.site_builders import LANGUAGES, SPANISH_WORD, TITLES, multilingual_site
from tests.factories import build_event, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home_page, django_capture_on_commit_callbacks):
    # Search indexing waits for the commit: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return multilingual_site(home_page)


def test_menu_front_door_footer_and_feed_links(site, rf):
    for code in ("en", "es", "ar"):
        with translation.override(code):
            links = menu_links(rf.get("/" if code == "en" else f"/{code}/"))
        assert [link["label"] for link in links] == [
            TITLES["bulletins"][code],
            TITLES["events"][code],
            TITLES["take-action"][code],
            TITLES["join"][code] if code != "en" else "Join our lists",
        ], "the home page's menu, in the reader's language"
        prefix = "" if code == "en" else f"/{code}"
        assert links[0]["url"] == f"{prefix}/bulletins/"

    record_signature(page=site["petition"], email="ana@example.org", language="es")
    past = build_event(site["events"], title="Last year's lobby day")
    past.start = past.start.replace(year=past.start.year - 2)
    past.end = past.start + timedelta(hours=2)
    past.save_revision().publish()
    contact = SiteContact.for_site(Site.objects.get(is_default_site=True))
    contact.phone = "312-744-1906"
    contact.email = "newamericans@example.org"
    contact.save()

    html = Client().get("/es/").content.decode()

    assert '<nav class="main-nav"' in html
    assert 'href="/es/join/"' in html, "a join call to action"
    assert "Actualización: conozca sus derechos" in html, "the latest bulletin"
    assert "Know Your Rights session" in html, "the next event"
    assert "Last year's lobby day" not in html
    assert "El odio no tiene lugar en Chicago" in html, "the open petition"
    assert "1 firma" in html, "with its count"
    head, footer = html[: html.index("</head>")], html[html.index("<footer") :]
    assert (
        'type="application/rss+xml" title="Boletines (RSS)" href="/es/bulletins/feed/"'
        in head
    )
    assert 'type="application/atom+xml"' in head
    with translation.override("es"):
        promise = translation.gettext(
            "We never ask about immigration status, and we never share your information."
        )
    assert promise in footer
    assert 'href="tel:+13127441906"' in footer, "E.164, as every tel: link"
    assert "mailto:newamericans@example.org" in footer
    assert 'hreflang="pl"' in footer, "the language switcher"
    assert 'href="/es/bulletins/feed/"' in footer

    home = site["home"]
    home.menu = "[]"
    home.save_revision().publish()
    site["events"].show_in_menus = True
    site["events"].save_revision().publish()
    with translation.override("en"):
        labels = [link["label"] for link in menu_links(rf.get("/"))]
    assert labels == ["Events"], "an empty menu: the pages marked Show in menus"


def test_the_menu_says_current_page_only_on_that_page(site):
    """On an event the menu said "Events, current page" (found by the accessibility
    audit, L8): the section is aria-current="true" there, "page" on itself."""

    def main_menu(path):
        html = Client().get(path).content.decode()
        return html[html.index('<nav class="main-nav"') :].split("</nav>")[0]

    events = '<a href="/es/events/" aria-current="%s">'
    assert events % "page" in main_menu("/es/events/")
    on_an_event = main_menu("/es" + site["event"].url)
    assert events % "true" in on_an_event
    assert 'aria-current="page"' not in on_an_event
    assert '<a href="/es/events/">' in main_menu("/es/bulletins/")


def test_feeds_and_search_in_every_language(site, django_capture_on_commit_callbacks):
    client = Client()
    for code in LANGUAGES:
        prefix = "" if code == "en" else f"/{code}"
        for path in ("feed/", "feed/atom/"):
            response = client.get(f"{prefix}/bulletins/{path}")
            assert response.status_code == 200
            feed = feedparser.parse(response.content)
            assert not feed.bozo, (code, path, feed.get("bozo_exception"))
            titles = [entry.title for entry in feed.entries]
            expected = (
                "Actualización: conozca sus derechos"
                if code == "es"
                else "Know your rights update"  # untranslated: the English one
            )
            assert titles == [expected]
            assert feed.feed.language == code

    spanish = Locale.objects.get(language_code="es")
    english = Locale.objects.get(language_code="en")
    polish = Locale.objects.get(language_code="pl")
    found = [page.title for page in search_pages(SPANISH_WORD, locale=spanish)]
    assert found == ["Actualización: conozca sus derechos"]
    assert search_pages(SPANISH_WORD, locale=english) == []
    assert [p.title for p in search_pages("warrant", locale=english)] == [
        "Know your rights update"
    ]
    assert [p.title for p in search_pages("session", locale=spanish)] == [
        "Know Your Rights session"
    ], "events too, each story once"
    assert [p.title for p in search_pages("warrant", locale=polish)] == [
        "Know your rights update"
    ], "not translated yet: found in English"
    with django_capture_on_commit_callbacks(execute=True):
        translate_page(site["bulletin"], "pl", title="Znaj swoje prawa")
    assert [p.title for p in search_pages("warrant", locale=polish)] == [
        "Znaj swoje prawa"
    ], "once translated, the Polish one only"

    html = client.get("/es/search/", {"q": SPANISH_WORD}).content.decode()
    assert "Actualización: conozca sus derechos" in html
    assert client.get("/es/search/").status_code == 200
    assert client.get("/es/search/", {"q": "   "}).status_code == 200
    too_long = client.get("/es/search/", {"q": "a" * 201})
    assert too_long.status_code == 400
    assert "200" in too_long.content.decode()
    odd = client.get("/search/", {"q": "\"'<script>) OR 1=1 --"})
    assert odd.status_code == 200
    assert "<script>)" not in odd.content.decode()


def test_chinese_is_found_by_a_word_inside_a_sentence(
    site, django_capture_on_commit_callbacks
):
    """A run of Hanzi was one token for both full-text engines: 移民 found nothing in
    "芝加哥移民和难民资源". Pages are indexed with character pairs too (cms/cjk.py)."""
    chinese = Locale.objects.get(language_code="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        translate_page(site["bulletin"], "zh-hans", title="芝加哥移民和难民资源")

    def titles(query):
        return [page.title for page in search_pages(query, locale=chinese)]

    for query in ("移民", "芝加哥", "难民资源", "芝加哥 移民", "民"):
        assert titles(query) == ["芝加哥移民和难民资源"], query
    assert titles("权力") == []
    assert titles("民移") == [], "the pair, not its two characters anywhere"
    html = Client().get("/zh-hans/search/", {"q": "移民"}).content.decode()
    assert "芝加哥移民和难民资源" in html


def test_a_flood_of_searches_is_told_to_wait_in_the_readers_language(site, rate_limit):
    """Each search with words is a full-text query no cache answers: one client could
    keep the database busy with them. The empty search form costs nothing and is not
    counted."""
    rate_limit("search.client", "3/10m")
    client = Client()
    for _visit in range(5):
        assert client.get("/es/search/").status_code == 200
    for word in ("warrant", "session", "derechos"):
        assert client.get("/es/search/", {"q": word}).status_code == 200
    refused = client.get("/es/search/", {"q": "warrant"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    html = refused.content.decode()
    assert '<html lang="es"' in html
    with translation.override("es"):
        assert translation.gettext(
            "Too many searches from this connection. Please wait a few minutes "
            "and try again."
        ) in html.replace("\n", " ")
    assert "Too many searches" not in html, "in Spanish"
    assert 'role="alert"' in html
    behind_another_address = Client(REMOTE_ADDR="198.51.100.7")
    assert behind_another_address.get("/es/search/", {"q": "x"}).status_code == 200


def test_search_backend_follows_the_database():
    """PostgreSQL's full-text search on PostgreSQL; SQLite's FTS5 on SQLite."""
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    expected = {
        "postgresql": "PostgresSearchBackend",
        "sqlite": "SQLiteSearchBackend",
    }[connection.vendor]
    assert type(get_search_backend()).__name__ == expected


def test_search_words_keep_every_script_and_drop_syntax():
    from cms.search import search_words

    assert search_words('"guardería" OR (1=1) --') == "guardería OR 1 1"
    assert search_words("नफ़रत की") == "नफ़रत की", "Devanagari vowel signs stay"
    assert search_words("仇恨，芝加哥！") == "仇恨 芝加哥"
    assert search_words("لا مكان؟") == "لا مكان"
    assert search_words("* ' \" ^ :") == ""


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=60))
def test_any_query_gets_an_answer_never_an_error(home_page, query):
    response = Client().get("/es/search/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\u2028"])
def test_control_characters_are_not_shown_back(home_page, control):
    """?q=%00 was written into the page's title and search field as it came."""
    response = Client().get("/ar/search/", {"q": f"guarder{control}ía"})

    html = response.content.decode()
    assert response.status_code == 200
    assert control not in html
    assert "guarder ía" in html


def result_cards(html: str) -> list[str]:
    return re.findall(r'<li class="card".*?</li>', html, re.S)


def test_untranslated_search_results_keep_the_readers_language_and_prefix(site):
    """On /ar/search/ an English bulletin or event is an English card, left to right;
    its kind label and date are the reader's Arabic, and its link stays under /ar/."""
    client = Client()
    with translation.override("ar"):
        bulletin_label = translation.gettext("Bulletin")
        event_when = site["event"].when_display()
    for query, title, label, when, path in (
        ("warrant", "Know your rights update", bulletin_label, None, "bulletins"),
        ("session", "Know Your Rights session", None, event_when, "events"),
    ):
        html = client.get("/ar/search/", {"q": query}).content.decode()
        (card,) = result_cards(html)
        assert card.startswith('<li class="card" lang="en" dir="ltr">'), card
        assert title in card
        if label:
            assert f'<p class="label" lang="ar" dir="rtl">{label}</p>' in card
        if when:
            assert re.search(r'<span lang="ar" dir="rtl">[^<]*<', card), card
        link = re.search(r'<h2><a href="([^"]+)"', card).group(1)
        assert link.startswith(f"/ar/{path}/"), link
        assert client.get(link).status_code == 200


class SearchLandmarks(HTMLParser):
    """The accessible name of each role=search element: its aria-label, or the text of
    the heading its aria-labelledby names."""

    def __init__(self):
        super().__init__()
        self.landmarks: list[dict] = []
        self.headings: dict[str, str] = {}
        self._heading: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "search":
            self.landmarks.append(attrs)
        if tag in ("h1", "h2") and attrs.get("id"):
            self._heading = attrs["id"]
            self.headings[self._heading] = ""

    def handle_endtag(self, tag):
        if tag in ("h1", "h2"):
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self.headings[self._heading] += data

    def names(self) -> list[str]:
        return [
            attrs.get("aria-label")
            or self.headings.get(attrs.get("aria-labelledby", ""), "").strip()
            for attrs in self.landmarks
        ]


def test_each_search_landmark_has_its_own_name(home_page):
    """The header's search box and the search page's form were both plain "search" in
    a screen reader's list of landmarks (found by the accessibility audit, L7)."""
    landmarks = SearchLandmarks()
    landmarks.feed(Client().get("/search/", {"q": "rights"}).content.decode())

    names = landmarks.names()
    assert names == ["Search the site", "Search bulletins and events"]


CHICAGO_NOTE = "Chicago is a Welcoming City: City agencies do not ask about"


def footer_of(client, path: str) -> str:
    html = client.get(path).content.decode()
    return html[html.index("<footer") :]


def city_note_messages() -> dict[str, str]:
    from django.core.checks import run_checks

    return {
        message.id: message.msg
        for message in run_checks()
        if message.id in {"cms.W007", "cms.W008", "cms.W009"}
    }


def city_note_warnings() -> list[str]:
    return sorted(city_note_messages())


def test_a_city_note_set_wrong_is_warned_of(client, home_page, settings):
    """Three settings that put a wrong footer on every page without a word: each is
    shown here as readers get it, then warned of by `manage.py check`."""
    assert city_note_warnings() == []

    # Another city's clock, no line of its own: Chicago's line on every page.
    settings.TIME_ZONE = "America/New_York"
    assert f"<p>{CHICAGO_NOTE}" in footer_of(client, "/")
    assert city_note_warnings() == ["cms.W007"]
    settings.CITY_NOTES = {"en": "New York is a Sanctuary City."}
    assert city_note_warnings() == []
    settings.CITY_NOTES = {"en": "none"}
    assert city_note_warnings() == [], "no line at all is a choice"

    # A translation without the English line: English and Polish lose the line.
    settings.CITY_NOTES = {"es": "Nueva York es una ciudad santuario."}
    assert "Nueva York" in footer_of(client, "/es/")
    for path in ("/", "/pl/"):
        footer = footer_of(client, path)
        assert "Sanctuary" not in footer
        assert "Welcoming" not in footer
    assert city_note_warnings() == ["cms.W008"]

    # "none" in one translation: the word "none" in that language's footer.
    settings.CITY_NOTES = {"en": "New York is a Sanctuary City.", "ar": "none"}
    assert '<p lang="ar" dir="rtl">none</p>' not in footer_of(client, "/ar/")
    assert "<p>none</p>" in footer_of(client, "/ar/")
    assert city_note_warnings() == ["cms.W009"]
    assert "CITY_NOTE_AR" in city_note_messages()["cms.W009"]


def test_the_city_note_in_the_footer_comes_from_the_settings(
    client, home_page, settings
):
    """The Welcoming City line was written into templates/base.html: another city
    had to edit the template. CITY_NOTE (per language) replaces it; unset, the
    catalogues' Chicago line; "none", no line."""
    assert f"<p>{CHICAGO_NOTE}" in footer_of(client, "/")
    assert "<p>Chicago jest Miastem Przyjaznym" in footer_of(client, "/pl/")

    settings.CITY_NOTES = {
        "en": "New York is a Sanctuary City.",
        "es": "Nueva York es una ciudad santuario.",
    }
    assert "<p>New York is a Sanctuary City.</p>" in footer_of(client, "/")
    spanish = footer_of(client, "/es/")
    assert "<p>Nueva York es una ciudad santuario.</p>" in spanish
    assert "Welcoming" not in spanish
    # No Polish text configured: the English one, marked English.
    assert '<p lang="en" dir="ltr">New York is a Sanctuary City.</p>' in footer_of(
        client, "/pl/"
    )

    settings.CITY_NOTES = {"en": "none"}
    for path in ("/", "/ar/"):
        footer = footer_of(client, path)
        assert "Sanctuary" not in footer
        assert "Welcoming" not in footer
        assert 'id="footer-privacy"' in footer, "the rest of the promise stays"


def test_a_long_chinese_query_is_answered_not_a_server_error(
    site, django_capture_on_commit_callbacks
):
    """200 characters of Hanzi without a space were 199 pairs ANDed together: Django
    nested them past Python's recursion limit and the search answered 500, on
    PostgreSQL and SQLite alike. The first pairs are searched; a long phrase still
    finds the page that holds it."""
    chinese = Locale.objects.get(language_code="zh-hans")
    title = "芝加哥移民和难民资源"
    with django_capture_on_commit_callbacks(execute=True):
        translate_page(site["bulletin"], "zh-hans", title=title, summary=title * 3)
    noise = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(200))
    for query in (noise, (title * 20)[:200]):
        response = Client().get("/zh-hans/search/", {"q": query})
        assert response.status_code == 200
    found = search_pages((title * 20)[:200], locale=chinese)
    assert [page.title for page in found] == [title]


def test_english_shown_to_another_language_is_marked_english(site):
    """A page without a translation in the reader's language is the English page in
    the reader's frame: its <title> was English words under lang="ar", and a menu
    label falling back to an English title was not marked either, so screen readers
    read both with an Arabic voice (WCAG 3.1.2)."""
    from cms.languages import localized_url

    bulletin = site["bulletin"]
    arabic_home = site["home"].get_translation(Locale.objects.get(language_code="ar"))
    menu = list(arabic_home.menu.raw_data)
    arabic_home.menu = [*menu, {"type": "link", "value": {"page": bulletin.pk}}]
    arabic_home.save_revision().publish()

    html = Client().get(localized_url(bulletin, "ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert (
        '<title lang="en" dir="ltr">Know your rights update · Office of New Americans'
        "</title>"
    ) in html, "English throughout, the office's name too, and marked"
    nav = html[html.index('<nav class="main-nav"') :].split("</nav>")[0]
    assert re.search(
        r'<a href="[^"]+" lang="en" dir="ltr">Know your rights update</a>', nav
    )
    assert f'">{TITLES["events"]["ar"]}</a>' in nav, "translated labels stay unmarked"
    assert 'lang="en"' not in nav.replace(
        'lang="en" dir="ltr">Know your rights update<', ""
    )

    # Translated pages: the reader's language, unmarked.
    for path in (localized_url(bulletin, "es"), "/ar/bulletins/"):
        page = Client().get(path).content.decode()
        title = re.search(r"<title[^>]*>", page)[0]
        assert title == "<title>", path
    spanish = Client().get(localized_url(bulletin, "es")).content.decode()
    assert "<title>Actualización: conozca sus derechos · " in spanish
    # A view's own title around an English page's name keeps the reader's language.
    event = site["event"]
    rsvp = Client().get(f"/ar/_events/{event.pk}/rsvp/").content.decode()
    assert re.search(r"<title[^>]*>", rsvp)[0] == "<title>"


def test_feed_links_keep_the_readers_language(site):
    """An Arabic reader's feed linked an untranslated bulletin at its English URL
    (/bulletins/<slug>/): a tap opened it in English chrome, left to right, while the
    archive the feed mirrors links /ar/bulletins/<slug>/. Each feed now links what its
    archive links, and that page speaks the reader's language. Links are on the
    Wagtail Site, whatever Host the request named (a cached copy serves every host
    spelling)."""
    root = Site.objects.get(is_default_site=True).root_url
    client = Client()
    for code in LANGUAGES:
        prefix = "" if code == "en" else f"/{code}"
        archive = client.get(f"{prefix}/bulletins/").content.decode()
        listed = re.findall(r'<h2><a href="([^"]+)">', archive)
        assert listed, code
        for path in ("feed/", "feed/atom/"):
            feed = feedparser.parse(client.get(f"{prefix}/bulletins/{path}").content)
            links = [entry.link for entry in feed.entries]
            assert links == [f"{root}{url}" for url in listed], (code, path)
            for url in listed:
                page = client.get(url)
                assert page.status_code == 200, url
                html = page.content.decode()
                assert re.search(rf'<html lang="{code}" dir="(ltr|rtl)"', html), url


def test_arabic_and_polish_are_found_with_or_without_their_marks(
    site, django_capture_on_commit_callbacks
):
    """Readers type Arabic with or without vowel marks and hamza, Polish with or
    without its letters' marks; neither engine folded them (cms/folding.py)."""
    arabic = Locale.objects.get(language_code="ar")
    polish = Locale.objects.get(language_code="pl")
    with django_capture_on_commit_callbacks(execute=True):
        translate_page(site["bulletin"], "ar", title="أعرف حقوقك في المدرسة")
        translate_page(site["event"], "pl", title="Spotkanie w Łodzi: pomoc prawną")

    def titles(query, locale):
        return [page.title for page in search_pages(query, locale=locale)]

    for query in ("حقوقك", "حُقُوقُكَ", "اعرف", "أعرف", "إعرف", "المدرسه"):
        assert titles(query, arabic) == ["أعرف حقوقك في المدرسة"], query
    for query in ("Łodzi", "Lodzi", "lodzi", "prawną", "prawna", "pomoc prawna"):
        assert titles(query, polish) == ["Spotkanie w Łodzi: pomoc prawną"], query
    html = Client().get("/ar/search/", {"q": "حُقُوقُكَ"}).content.decode()
    assert "أعرف حقوقك في المدرسة" in html


def test_search_results_are_not_indexed(site):
    """A results page exists for any words anyone links to: crawlers follow its links
    to the pages but keep the page itself out of their index, in every language."""
    client = Client()
    for path in ("/search/", "/ar/search/"):
        for query in ({}, {"q": "rights"}, {"q": "x" * 300}):
            response = client.get(path, query)
            assert response.status_code in (200, 400)
            assert response["X-Robots-Tag"] == "noindex, follow"
