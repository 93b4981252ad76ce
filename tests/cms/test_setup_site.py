"""`manage.py setup_site` on the database `migrate` leaves: the project's site in six
languages, with no demo content, and a second run that changes nothing."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Locale, Page, Revision, Site

from campaigns.models import Campaign
from cms.models import BulletinIndexPage, HomePage
from events.models import EventIndexPage, EventPage
from subscribers.models import (
    MailingList,
    MailingListTranslation,
    SignupPage,
    Subscriber,
)

pytestmark = pytest.mark.django_db

# The languages setup_site has texts for; it makes a locale for every one of LANGUAGES.
LANGUAGES = ["ar", "en", "es", "hi", "pl", "zh-hans"]
WELCOME = "Welcome to your new Wagtail site!"


def fresh_install() -> None:
    """The tree Wagtail's migrations make: its welcome page on a site, English only."""
    english, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", locale=english)
    welcome = Page.objects.filter(depth=2).first() or root.add_child(
        instance=Page(title=WELCOME, slug="home", locale=english)
    )
    Site.objects.get_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": welcome}
    )
    assert list(Locale.objects.values_list("language_code", flat=True)) == ["en"]
    assert [page.specific_class for page in Page.objects.filter(depth=2)] == [Page]


def snapshot() -> dict:
    return {
        "pages": sorted(
            Page.objects.values_list(
                "content_type__model", "locale__language_code", "title", "live"
            )
        ),
        "revisions": Revision.objects.count(),
        "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
        "lists": sorted(MailingList.objects.values_list("slug", "name", "description")),
        "list_names": MailingListTranslation.objects.count(),
        "sites": list(Site.objects.values_list("hostname", "port", "root_page")),
        "menus": sorted(
            (page.locale.language_code, str(page.menu.get_prep_value()))
            for page in HomePage.objects.all()
        ),
    }


def setup_site(stderr: io.StringIO | None = None) -> str:
    out = io.StringIO()
    call_command("setup_site", stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def test_setup_site_builds_the_six_language_site_once(client):
    fresh_install()

    said = setup_site()
    first = snapshot()
    assert setup_site() == said
    assert snapshot() == first, "a second run changes nothing"

    assert "createsuperuser" in said
    assert first["locales"] == sorted(code for code, _name in settings.LANGUAGES)
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage
    assert not Page.objects.filter(title=WELCOME).exists()
    for model in (HomePage, BulletinIndexPage, EventIndexPage, SignupPage):
        pages = model.objects.live()
        assert sorted(pages.values_list("locale__language_code", flat=True)) == (
            LANGUAGES
        ), model
        for page in pages:
            answer = client.get(page.url)
            assert answer.status_code == 200, page.url
            assert page.title in answer.content.decode()
    home = client.get("/").content.decode()
    assert WELCOME not in home
    assert "Office of New Americans" in home
    assert "Chicago Is With You" not in home, "the demo's words are load_demo's"
    for link in ("/bulletins/", "/events/", "/join/"):
        assert f'href="{link}"' in home, "the header menu links the skeleton"
    assert 'href="/ar/events/"' in client.get("/ar/").content.decode()
    for path in ("/search/?q=rights", "/bulletins/feed/", "/es/bulletins/feed/atom/"):
        assert client.get(path).status_code == 200, path

    assert [name for _, name, _ in first["lists"]] == [
        "Community Outreach/Education",
        "Employer Communications/Diversity Training",
        "Legal Protection/Services",
        "Mental Health/Well-being",
    ]
    assert first["list_names"] == 4 * 5
    # Nothing of the demo: no people, no accounts, no bulletins, events or campaigns.
    assert not Subscriber.objects.exists()
    assert not get_user_model().objects.exists()
    assert not EventPage.objects.exists()
    assert not Campaign.objects.exists()
    assert Page.objects.count() == 6 * 4 + 1


def test_setup_site_rerun_keeps_what_staff_changed():
    fresh_install()
    setup_site()
    home = HomePage.objects.get(locale__language_code="en")
    home.title, home.menu = "Welcome, neighbours", []
    home.save_revision().publish()
    events = EventIndexPage.objects.get(locale__language_code="es")
    events.title = "Calendario"
    events.save_revision().publish()
    MailingList.objects.filter(slug="mental-health").update(
        name="Well-being", description="Ours."
    )
    before = snapshot()

    setup_site()

    assert snapshot() == before


def test_setup_site_rerun_leaves_deleted_task_force_lists_deleted(client):
    """Another city deletes the Chicago task-force lists it has no use for and makes
    its own; the next deployment's setup_site must not put Chicago's back on the
    public signup form."""
    fresh_install()
    setup_site()
    MailingList.objects.exclude(slug="legal-protection").delete()
    MailingList.objects.create(name="Denver Rapid Response", slug="rapid-response")

    said = setup_site()

    assert sorted(MailingList.objects.values_list("slug", flat=True)) == [
        "legal-protection",
        "rapid-response",
    ]
    assert "2 lists" in said
    signup = client.get("/join/").content.decode()
    assert "Denver Rapid Response" in signup
    assert "Mental Health/Well-being" not in signup


def test_setup_site_takes_a_list_staff_made_under_another_slug():
    fresh_install()
    MailingList.objects.create(name="Legal Protection/Services", slug="legal")

    setup_site()

    assert MailingList.objects.count() == 4
    assert MailingList.objects.filter(name="Legal Protection/Services").get().slug == (
        "legal"
    )


def test_setup_site_names_a_language_it_has_no_texts_for(settings):
    """A language added to LANGUAGES without its texts in the builders: its locale,
    no pages of its own (an English copy would go live marked French) and a warning
    that says what is missing. (The English pages under /fr/ are cms.languages' fallback,
    whose language list is read once at start: not something to override here.)"""
    settings.LANGUAGES = [*settings.LANGUAGES, ("eo", "Esperanto")]
    settings.WAGTAIL_CONTENT_LANGUAGES = [
        *settings.WAGTAIL_CONTENT_LANGUAGES,
        ("eo", "Esperanto"),
    ]
    fresh_install()
    warnings = io.StringIO()

    said = setup_site(stderr=warnings)

    assert "Site ready" in said
    assert Locale.objects.filter(language_code="eo").exists()
    assert not Page.objects.filter(locale__language_code="eo").exists()
    assert Page.objects.count() == 6 * 4 + 1
    warning = warnings.getvalue()
    assert warning.startswith(
        "No eo (Esperanto) text for the home page (cms/demo.py); signup page "
        "(subscribers/demo.py); event index (events/demo.py); bulletin index "
        "(cms/demo_content.py); task-force list names (subscribers/demo.py); header "
        "menu labels (cms/demo.py): not made in eo (nor, without its home page, any "
        "page under it)"
    ), warning
    assert "docs/languages.md" in warning
    assert warning.count("\n") == 1, "one line per language, none for the six"


def test_setup_site_adds_the_list_names_of_a_language_added_since(
    settings, monkeypatch
):
    """Lists that exist are left as staff keep them, but a language added to LANGUAGES
    later gets its names once the builders have them (the warning's promise)."""
    from subscribers.demo import LIST_TRANSLATIONS

    fresh_install()
    setup_site()
    MailingList.objects.filter(slug="mental-health").update(name="Well-being")
    settings.LANGUAGES = [*settings.LANGUAGES, ("eo", "Esperanto")]
    settings.WAGTAIL_CONTENT_LANGUAGES = [
        *settings.WAGTAIL_CONTENT_LANGUAGES,
        ("eo", "Esperanto"),
    ]
    for slug, names in LIST_TRANSLATIONS.items():
        monkeypatch.setitem(names, "eo", (f"Liste {slug}", "Description."))

    setup_site()

    french = MailingListTranslation.objects.filter(language="eo")
    assert sorted(french.values_list("name", flat=True)) == sorted(
        f"Liste {slug}" for slug in LIST_TRANSLATIONS
    )
    assert MailingListTranslation.objects.count() == 4 * 6
    assert MailingList.objects.get(slug="mental-health").name == "Well-being"


def test_setup_site_without_a_languages_home_page_makes_nothing_under_it(
    settings, monkeypatch
):
    """Every text but the home page's: the pages under it are not made in French
    either (translating them would copy the English home page in as French)."""
    from cms import demo_content
    from events import demo as events_demo
    from subscribers import demo as subscribers_demo

    settings.LANGUAGES = [*settings.LANGUAGES, ("eo", "Esperanto")]
    settings.WAGTAIL_CONTENT_LANGUAGES = [
        *settings.WAGTAIL_CONTENT_LANGUAGES,
        ("eo", "Esperanto"),
    ]
    for texts in (
        subscribers_demo.SIGNUP_TITLES,
        subscribers_demo.SIGNUP_INTROS,
        events_demo.INDEX_TITLES,
        demo_content.INDEX_TITLES,
    ):
        monkeypatch.setitem(texts, "eo", "En Esperanto")
    fresh_install()
    warnings = io.StringIO()

    setup_site(stderr=warnings)

    assert not Page.objects.filter(locale__language_code="eo").exists()
    assert warnings.getvalue().startswith(
        "No eo (Esperanto) text for the home page (cms/demo.py); task-force list "
        "names (subscribers/demo.py); header menu labels (cms/demo.py): not made in "
        "eo (nor, without its home page, any page under it)"
    ), warnings.getvalue()


def test_setup_site_menu_of_a_language_without_labels_shows_page_titles(
    settings, monkeypatch
):
    """A home page text but no menu labels: the menu's links show their pages'
    titles, as links without a label do (it stopped with KeyError)."""
    from cms import demo

    settings.LANGUAGES = [*settings.LANGUAGES, ("eo", "Esperanto")]
    settings.WAGTAIL_CONTENT_LANGUAGES = [
        *settings.WAGTAIL_CONTENT_LANGUAGES,
        ("eo", "Esperanto"),
    ]
    monkeypatch.setitem(demo.SETUP_HOME_INTROS, "eo", "Por ĉiuj loĝantoj.")
    fresh_install()
    warnings = io.StringIO()

    setup_site(stderr=warnings)

    home = HomePage.objects.get(locale__language_code="eo")
    assert home.title == settings.WAGTAIL_SITE_NAME
    assert home.intro == "<p>Por ĉiuj loĝantoj.</p>"
    assert [link.value["label"] for link in home.menu] == ["", "", ""]
    assert "header menu labels (cms/demo.py): not made in eo," in warnings.getvalue()


HOUSTON = "Houston Office of New Americans"
CHICAGO_WORDS = (
    "Chicago",
    "芝加哥",
    "شيكاغو",
    "शिकागो",
    "National Immigrant Justice Center",
    "Resurrection Project",
    "Lurie",
    "Illinois",
)


def chicago_warnings() -> list[str]:
    from django.core.checks import run_checks

    return [
        m.msg for m in run_checks(include_deployment_checks=True) if m.id == "cms.W014"
    ]


def test_setup_site_for_another_city_names_no_chicago_and_no_warning(client, settings):
    """Houston's first deployment: its public home page (every language) and its
    lists said "Chicago Is With You" and named Chicago's lead organisations until
    staff edited them. Now the home page is Houston's office by name, the lists are
    led by no one, and the Chicago-text check has nothing to say."""
    settings.WAGTAIL_SITE_NAME = HOUSTON
    # The rest of Houston's settings (the footer's address and city line).
    settings.SENDER_POSTAL_ADDRESS = "901 Bagby St, Houston, TX 77002"
    settings.CITY_NOTES = {"en": "Houston is a Welcoming City."}
    settings.MAP_SEARCH_CITY = "Houston"
    fresh_install()

    setup_site()

    for code in LANGUAGES:
        prefix = "" if code == "en" else f"/{code}"
        for path in (f"{prefix}/", f"{prefix}/join/"):
            page = client.get(path).content.decode()
            assert HOUSTON in page, path
            for word in CHICAGO_WORDS:
                assert word not in page, (path, word)
    assert set(HomePage.objects.values_list("title", flat=True)) == {HOUSTON}
    assert set(MailingList.objects.values_list("lead_organisation", flat=True)) == {""}
    assert chicago_warnings() == []


def test_chicago_demo_text_on_another_citys_site_is_warned_of(settings):
    """A site set up before (or by load_demo) keeps Chicago's words: another city's
    is warned of each place it still shows them, until staff write their own;
    Chicago's own deployment is told nothing."""
    from cms import demo
    from subscribers import demo as subscribers_demo

    fresh_install()
    demo.load_locales()
    demo.load_home_page(update=False)
    subscribers_demo.load_lists()

    assert chicago_warnings() == [], "Chicago's own site"

    settings.WAGTAIL_SITE_NAME = HOUSTON
    [warning] = chicago_warnings()
    assert "the home page in ar, en, es, hi, pl, zh-hans is Chicago's demo text" in (
        warning
    )
    assert "Legal Protection/Services" in warning

    for home in HomePage.objects.all():
        home.title, home.intro = HOUSTON, "<p>Welcome.</p>"
        home.save_revision().publish()
    MailingList.objects.update(lead_organisation="BakerRipley")
    assert chicago_warnings() == []
