"""A page under a view restriction (password, login, groups) stays off every public list
of pages: the archives and their feeds, search, the home page, the event listings and
calendars, and the event listings inside bulletins. A restriction added or removed in
the admin shows on the next request, through the page cache and the frame cache."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from tests.cms.site_builders import multilingual_site
from tests.cms.test_page_cache import use_page_cache
from tests.factories import SuperuserFactory, build_bulletin, build_event

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def page_cache(request, settings):
    yield use_page_cache(settings, request.param)
    caches["pages"].clear()


@pytest.fixture
def site(home_page, page_cache, django_capture_on_commit_callbacks):
    # Search indexing waits for the commit: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return multilingual_site(home_page)


@pytest.fixture
def restrict(django_capture_on_commit_callbacks):
    """Make a page private as the admin's privacy dialog does; returns an undo."""

    def make_private(page, restriction_type=PageViewRestriction.PASSWORD):
        with django_capture_on_commit_callbacks(execute=True):
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=restriction_type, password="rally"
            )

        def make_public():
            with django_capture_on_commit_callbacks(execute=True):
                restriction.delete()

        return make_public

    return make_private


def shown(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def main_part(html: str) -> str:
    """The page without its header menu and footer, which link to pages by choice."""
    return html.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def cached(client, urls) -> None:
    """Each URL is in the page cache (when it stores it), as a public copy."""
    for url in urls:
        shown(client, url)
        shown(client, url)


def test_a_restricted_bulletin_leaves_archives_feeds_search_and_home(site, restrict):
    client = Client()
    title = "Know your rights update"  # translated into Spanish only
    summary = "What to do if immigration agents come to your door."
    # Polish readers get the untranslated English bulletin.
    listed = [
        "/",
        "/pl/",
        "/bulletins/",
        "/pl/bulletins/",
        "/bulletins/feed/",
        "/bulletins/feed/atom/",
        "/pl/bulletins/feed/",
        "/pl/bulletins/feed/atom/",
        "/search/?q=warrant",
        "/pl/search/?q=warrant",
    ]
    cached(client, listed)
    for url in listed:
        assert title in shown(client, url), url
    spanish = site["bulletin"].get_translation(Locale.objects.get(language_code="es"))
    cached(client, [spanish.url])

    make_public = restrict(site["bulletin"])
    for url in listed:
        html = shown(client, url)
        assert title not in html, url
        assert summary not in html, url
    # Its Spanish translation is kept with it (cms/routing.py), also where cached.
    assert "Actualización: conozca sus derechos" not in shown(client, "/es/bulletins/")
    assert "Actualización" not in shown(client, spanish.url)  # its password form

    make_public()
    for url in listed:
        assert title in shown(client, url), url


def test_a_restricted_event_leaves_listings_calendars_search_home_and_bulletins(
    site, restrict
):
    client = Client()
    now = timezone.now()
    upcoming = build_event(
        site["events"], title="Town hall with the alderman", start=now + timedelta(3)
    )
    past = build_event(
        site["events"], title="Lobby day in Springfield", start=now - timedelta(30)
    )
    bulletin = build_bulletin(
        site["bulletins"],
        title="Events this month",
        body=[
            ("event_listing", {"title": "Next", "kinds": [], "limit": 5, "events": []}),
            (
                "event_listing",
                {"title": "Chosen", "kinds": [], "limit": 5, "events": [upcoming.pk]},
            ),
        ],
    )
    title = upcoming.title
    listed = [
        "/",
        "/es/",
        "/events/",
        "/es/events/",
        f"/events/?kind={upcoming.kind}",
        "/events/feed/",
        f"/events/feed/{upcoming.kind}/",
        "/es/events/feed/",
        "/search/?q=alderman",
        "/es/search/?q=alderman",
    ]
    cached(client, [*listed, "/events/?when=past"])
    for url in listed:
        assert title in shown(client, url), url
    assert past.title in shown(client, "/events/?when=past")
    # A bulletin's page is not purged by a change to an event it lists (it is fresh
    # within PAGE_CACHE_SECONDS): read past the page cache, through the frame cache.
    bulletin_url = f"{bulletin.url}?fresh={uuid.uuid4().hex}"
    assert shown(client, bulletin_url).count(title) == 2

    make_public = restrict(upcoming, PageViewRestriction.LOGIN)
    restrict(past)
    for url in listed:
        assert title not in shown(client, url), url
    assert past.title not in shown(client, "/events/?when=past")
    assert title not in shown(client, f"{bulletin.url}?fresh={uuid.uuid4().hex}")

    make_public()
    for url in listed:
        assert title in shown(client, url), url
    assert shown(client, f"{bulletin.url}?fresh={uuid.uuid4().hex}").count(title) == 2


def test_a_restricted_petition_or_join_page_leaves_the_home_page(site, restrict):
    client = Client()
    petition, join = site["petition"], site["join"]
    cached(client, ["/"])
    main = main_part(shown(client, "/"))
    assert petition.title in main
    assert "join-cta" in main

    make_public = restrict(petition, PageViewRestriction.GROUPS)
    restrict(join)
    main = main_part(shown(client, "/"))
    assert petition.title not in main
    assert "join-cta" not in main

    make_public()
    assert petition.title in main_part(shown(client, "/"))


def test_a_private_listing_lists_its_pages_to_the_readers_it_admits(site, restrict):
    """Events behind a login on the whole listing: anonymous readers are sent to sign
    in (and the home page leaves them out); a signed-in reader sees them listed."""
    restrict(site["events"], PageViewRestriction.LOGIN)
    title = site["event"].title
    anonymous = Client()
    assert anonymous.get("/events/").status_code == 302
    assert anonymous.get("/events/feed/").status_code == 302
    assert title not in shown(anonymous, "/")

    reader = Client()
    reader.force_login(SuperuserFactory(username="member"))
    assert title in shown(reader, "/events/")
    assert title in shown(reader, "/events/feed/")


def test_an_event_listing_block_leaves_out_restricted_events(site, restrict):
    """Also in the e-mail of a bulletin: the same listing, rendered without a request."""
    from cms.blocks import EventListingBlock

    block = EventListingBlock()
    upcoming = block.to_python({"title": "", "kinds": [], "limit": 5, "events": []})
    chosen = block.to_python({"title": "", "events": [site["event"].pk], "limit": 5})
    assert [e.pk for e in block.resolve_events(upcoming)] == [site["event"].pk]
    restrict(site["events"])
    assert block.resolve_events(upcoming) == []
    assert block.resolve_events(chosen) == []
    assert "Know Your Rights" not in block.render_text(upcoming, links=None)
