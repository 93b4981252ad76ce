"""Fixtures for event tests."""

import pytest

from tests.caches import use_private_caches


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate limits and cached pages live in caches: a test of its own."""
    use_private_caches(settings, "events", ("default", "pages"))


@pytest.fixture
def sender_queued(monkeypatch):
    """Record the guest-mail sender being queued instead of publishing a Celery task
    (tests call the sending service themselves)."""
    calls: list[int] = []
    monkeypatch.setattr(
        "events.guest_mail.enqueue_sending", lambda: calls.append(1) or True
    )
    return calls


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks, sender_queued):
    """A context manager that runs what a publish or an RSVP change leaves for after
    its commit (the guest notices, promotions), the sender's queueing excepted."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
