"""The signup page (/join/) carries a CSRF token and, after a refused signup, what the
reader typed: it was sent with no Cache-Control at all, so a shared cache in front (a
CDN, an office proxy) could keep one reader's page, token and typed address, and hand
it to the next. It is now sent private and never stored, as the petition page and the
other subscriber pages (never_cache) are; the page cache never stored it and still
does not, while the pages it does store are unchanged."""

import pytest
from django.test import Client

from subscribers.models import SignupPage
from tests.caches import use_private_caches
from tests.factories import MailingListFactory, build_event
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def join(home_page, settings):
    use_private_caches(settings, "signup-cache-control", ("default", "pages"))
    settings.PAGE_CACHE_SECONDS = 300
    MailingListFactory(name="Community Outreach/Education", slug="outreach")
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


def never_stored(response) -> bool:
    directives = {
        part.strip() for part in response.get("Cache-Control", "").lower().split(",")
    }
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_signup_page_is_never_stored_by_a_shared_cache(join, language):
    prefix = "" if language == "en" else f"/{language}"
    client = Client()
    first = client.get(f"{prefix}/join/")
    refused = client.post(
        f"{prefix}/join/", {"email": "not an address", "language": language}
    )

    assert first.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in first.content.decode()
    assert never_stored(first), first.get("Cache-Control")
    assert refused.status_code == 400
    assert never_stored(refused), refused.get("Cache-Control")
    # Each reader's render, never the page cache's copy of another's.
    again = Client().get(f"{prefix}/join/")
    assert again.get("X-Page-Cache", "") not in ("hit", "stale")
    assert never_stored(again)


def test_the_page_cache_still_stores_an_event_page(join):
    event = build_event(title="Know Your Rights session")
    Client().get(event.url)
    second = Client().get(event.url)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert not never_stored(second)
