"""A restriction staff put on an English page (password, signed-in staff, groups) keeps
its translations too, on every public path: the page itself, the sitemap, the feeds
and calendars, search, the listings and the home page. The Spanish copy of a private
page tells the same thing as the English one. The earlier round found /es/... served
to anyone while /... asked for the password."""

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from tests.cms.site_builders import multilingual_site
from tests.factories import build_bulletin, translate_page

pytestmark = pytest.mark.django_db

SPANISH_TITLE = "Actualización: conozca sus derechos"
SPANISH_EVENT = "Sesión conozca sus derechos en Pilsen"


@pytest.fixture
def site(home_page, django_capture_on_commit_callbacks):
    # Search indexing waits for the commit: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        pages = multilingual_site(home_page)
        pages["spanish_bulletin"] = (
            pages["bulletin"].get_translation(_locale("es")).specific
        )
        pages["spanish_event"] = translate_page(
            pages["event"], "es", title=SPANISH_EVENT
        )
    return pages


def _locale(code):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)


def restrict(page, restriction_type=PageViewRestriction.PASSWORD):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="rally"
    )
    if restriction_type == PageViewRestriction.GROUPS:
        from django.contrib.auth.models import Group

        restriction.groups.add(Group.objects.create(name="Task force"))
    return restriction


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    "restriction_type",
    [
        PageViewRestriction.PASSWORD,
        PageViewRestriction.LOGIN,
        PageViewRestriction.GROUPS,
    ],
)
def test_a_translation_of_a_restricted_page_is_kept_too(site, restriction_type):
    spanish = site["spanish_bulletin"]
    assert SPANISH_TITLE in text(Client(), spanish.url)  # public before

    restrict(site["bulletin"], restriction_type)
    response = Client().get(spanish.url)
    assert SPANISH_TITLE not in response.content.decode()
    if restriction_type == PageViewRestriction.PASSWORD:
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/es/_util/login/?next=/es/")


def test_the_password_of_the_english_page_opens_its_translation(site):
    restriction = restrict(site["bulletin"])
    spanish = site["spanish_bulletin"]
    client = Client()
    form = text(client, spanish.url)
    action = f"/es/_util/authenticate_with_password/{restriction.pk}/{spanish.pk}/"
    assert f'action="{action}"' in form
    opened = client.post(action, {"password": "rally", "return_url": spanish.url})
    assert opened.status_code == 302
    assert SPANISH_TITLE in text(client, spanish.url)


def test_a_restricted_section_keeps_the_translations_under_it(site):
    """Privacy on the English archive: the Spanish archive and its bulletins too."""
    restrict(site["bulletins"], PageViewRestriction.LOGIN)
    client = Client()
    for url in (site["spanish_bulletin"].url, "/es/bulletins/", "/es/bulletins/feed/"):
        assert client.get(url).status_code == 302, url
    assert SPANISH_TITLE not in text(client, "/es/")


def test_a_translation_made_after_the_restriction_is_kept(site):
    """A guard: Wagtail copies the restrictions onto a new translation (this held
    before the fix too); the check at each request would keep it anyway."""
    english = build_bulletin(site["bulletins"], title="Shelter addresses")
    restrict(english)
    spanish = translate_page(english, "es", title="Direcciones de los refugios")
    response = Client().get(spanish.url)
    assert "Direcciones de los refugios" not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_a_restriction_on_a_translation_keeps_only_that_translation(site):
    restrict(site["spanish_bulletin"])
    assert "Know your rights update" in text(Client(), site["bulletin"].url)


def test_the_translation_leaves_sitemap_feeds_search_listings_and_home(
    site, django_capture_on_commit_callbacks
):
    client = Client()
    spanish_url = site["spanish_bulletin"].url
    event_url = site["spanish_event"].url
    listed = {
        "/sitemap.xml": [spanish_url, event_url],
        "/es/": [SPANISH_TITLE, SPANISH_EVENT],
        "/es/bulletins/": [SPANISH_TITLE],
        "/es/bulletins/feed/": [SPANISH_TITLE],
        "/es/bulletins/feed/atom/": [SPANISH_TITLE],
        "/es/search/?q=derechos": [SPANISH_TITLE, SPANISH_EVENT],
        "/es/events/": [SPANISH_EVENT],
        "/es/events/feed/": [SPANISH_EVENT],
    }
    for url, shown in listed.items():
        page = text(client, url)
        for kept in shown:
            assert kept in page, (url, kept)

    with django_capture_on_commit_callbacks(execute=True):
        restrict(site["bulletin"])
        restrict(site["event"], PageViewRestriction.LOGIN)
    for url, shown in listed.items():
        page = text(client, url)
        for kept in shown:
            assert kept not in page, (url, kept)
    # The event's own calendar file and its places, in Spanish.
    for url in (f"{event_url}ical/", f"{event_url}places/"):
        assert client.get(url).status_code == 302, url


def test_an_event_listing_block_in_a_spanish_bulletin_leaves_the_event_out(site):
    """Rendered without a request too (the e-mail of a bulletin)."""
    from django.utils import translation

    from cms.blocks import EventListingBlock

    spanish_event = site["spanish_event"]
    block = EventListingBlock()
    chosen = block.to_python(
        {"title": "", "kinds": [], "limit": 5, "events": [spanish_event.pk]}
    )
    with translation.override("es"):
        assert [e.pk for e in block.resolve_events(chosen)] == [spanish_event.pk]
        restrict(site["event"])
        assert block.resolve_events(chosen) == []


def test_every_page_model_asks_for_its_source_s_restrictions():
    """Wagtail's check before serving a page, and the doors past routing (signing,
    RSVP, joining), ask ``get_view_restrictions``: a page model without the mixin
    would serve its translations whatever the English page's privacy."""
    from django.apps import apps

    from cms.routing import OneQueryViewRestrictionsMixin

    page_models = [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and model is not Page
    ]
    assert page_models
    without = [
        model.__name__
        for model in page_models
        if not issubclass(model, OneQueryViewRestrictionsMixin)
    ]
    assert without == []
