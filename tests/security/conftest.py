"""Security tests: a private cache (rate limits) and a fresh petition memo per test."""

import pytest

from tests.caches import use_private_caches
from tests.factories import build_event


@pytest.fixture(autouse=True)
def private_cache(settings):
    use_private_caches(settings, "security", ("default", "ratelimit"))


@pytest.fixture(autouse=True)
def fresh_petition_memo():
    from campaigns.selectors import clear_petition_copies

    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.fixture
def queued(monkeypatch):
    """Tasks the web side hands to the broker, as (task name, args): nothing runs."""
    sent = []

    def publish(task, *args, on_failure=None, **options):
        sent.append((task.name.rsplit(".", 1)[-1], args))
        return True

    # cms.wakeup holds its own reference (from cms.celery import publish): patched
    # there too, and first (imported while the real one is in place), or its first
    # import during this test would keep the fake for every later test in the process.
    monkeypatch.setattr("cms.wakeup.publish", publish)
    monkeypatch.setattr("cms.celery.publish", publish)
    return sent


@pytest.fixture
def production(settings):
    """cms.settings.production over the test settings (see tests/security/production.py);
    make requests with ``https_client()``."""
    from tests.security.production import apply_production

    apply_production(settings)
    return settings


@pytest.fixture
def password_doors(home_page):
    """A private event behind a password, and a document collection behind one: the
    event and the two forms' URLs (the page's, the document's)."""
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        PageViewRestriction,
    )

    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    page_door = PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    collection = Collection.get_first_root_node().add_child(name="Handouts")
    document_door = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="rally",
    )
    return event, [
        f"/_util/authenticate_with_password/{page_door.pk}/{event.pk}/",
        f"/documents/authenticate_with_password/{document_door.pk}/",
    ]
