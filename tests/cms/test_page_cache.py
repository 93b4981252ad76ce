"""The anonymous page cache: hits are fast, and a publish or unpublish shows at once."""

import pytest
from django.core.cache import cache

from tests.factories import SuperuserFactory, build_bulletin, build_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_second_visit_is_served_from_the_cache(client, home_page, page_cache):
    bulletin = build_bulletin(title="February bulletin")
    first = client.get(bulletin.url)
    second = client.get(bulletin.url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_publish_and_unpublish_show_at_once(
    client, home_page, page_cache, django_capture_on_commit_callbacks
):
    bulletin = build_bulletin(title="Rally today")
    client.get(bulletin.url)
    assert client.get(bulletin.url)["X-Page-Cache"] == "hit"

    bulletin.title = "Rally moved to 5pm"
    bulletin.save_revision().publish()
    changed = client.get(bulletin.url)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin.unpublish()
    gone = client.get(bulletin.url)

    assert changed["X-Page-Cache"] == "miss"
    assert "Rally moved to 5pm" in changed.content.decode()
    assert gone.status_code == 404


def test_staff_forms_and_queries_bypass_or_separate_the_cache(
    client, home_page, page_cache
):
    event = build_event(title="Lobby day", rsvp_mode="internal")
    client.get(event.url)
    form = client.get(event.url + "rsvp/")
    assert "X-Page-Cache" not in form, "a page with a CSRF token is never cached"
    assert client.get(event.url + "?x=1")["X-Page-Cache"] == "miss"

    client.force_login(SuperuserFactory())
    assert "X-Page-Cache" not in client.get(event.url)


def test_cache_is_off_by_default_without_a_shared_cache(client, home_page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    bulletin = build_bulletin()
    client.get(bulletin.url)
    assert "X-Page-Cache" not in client.get(bulletin.url)
