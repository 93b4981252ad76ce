"""Shared fixtures. Services come from the environment: DATABASE_URL and REDIS_URL."""

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import processes
from tests.factories import build_home_page

# Property tests check answers, not speed: on a machine shared with a CI run or a
# benchmark, input generation slower than Hypothesis's one second failed a test that
# was right (FailedHealthCheck too_slow), and a slow example its deadline.
hypothesis_settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("shared-machine")


def pytest_configure(config):
    # Before any test starts a process: every process started from here on carries it.
    processes.mark_this_process_as_owner()


@pytest.fixture(scope="session", autouse=True)
def _no_process_outlives_the_suite():
    """At the end of the run (of each xdist worker), nothing this process started may
    still be running: a server or worker left behind is killed and fails the run."""
    yield
    left = processes.wait_until_gone(os.getpid(), timeout=15)
    if left:
        listing = processes.describe(left)
        processes.kill_all(left)
        pytest.fail(
            "processes started by the tests outlived them:\n" + "\n".join(listing),
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
def _urls_loaded_before_any_frozen_clock():
    """The URLconf is imported on its first use; the partner API's schemas (pydantic,
    through django-ninja) cannot be built while freezegun has replaced datetime. A test
    that first reverses a URL under freeze_time, when it happens to run first in its
    process, would fail for that reason alone: load the URLs before any test."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point


@pytest.fixture(scope="session", autouse=True)
def _no_cache_entry_from_an_earlier_run():
    """On a shared Redis, an earlier run's cached pages, frames and counters (same
    prefixes: same xdist worker names) would outlive it by minutes and meet tests that
    expect a fresh render. Each worker starts with its own prefixes empty; nothing
    else in that Redis is touched (RedisCache.clear() would flush the whole database)."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    import redis

    for config in settings.CACHES.values():
        prefix = config.get("KEY_PREFIX")
        location = config.get("LOCATION")
        if not prefix or not isinstance(location, str):
            continue
        if not location.startswith(("redis://", "rediss://", "unix://")):
            continue
        client = redis.Redis.from_url(location)
        try:
            doomed = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            for start in range(0, len(doomed), 500):
                client.delete(*doomed[start : start + 500])
        finally:
            client.close()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    flagged = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(flagged) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _no_task_left_by_an_earlier_test(request):
    """Tasks published on commit by an earlier test in this process (and never run)
    would reach the next worker a test starts, naming rows that are gone or reused:
    each test that commits starts with the lanes' queues empty."""
    if _is_transactional(request):
        from tests.workers import purge_queues

        purge_queues()


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    """Every test counts its own rate limits and login failures (cms/ratelimit.py puts
    the namespace into every key), even on a Redis other tests share."""
    settings.RATELIMIT_NAMESPACE = uuid.uuid4().hex


@pytest.fixture
def rate_limit(settings):
    """Set one of settings.RATE_LIMITS for this test: rate_limit("rsvp.client", "3/1h")."""

    def set_limit(name: str, rate: str) -> None:
        assert name in settings.RATE_LIMITS, name
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: rate}

    return set_limit


@pytest.fixture(autouse=True)
def _language_does_not_leak():
    """A request to /es/... leaves Spanish active in this thread (LocaleMiddleware never
    deactivates it); the next test must start in the default language."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo site (``load_demo``), loaded once per test module in a transaction that
    is rolled back after the module; each test runs inside it, in a savepoint of its own.

    For tests that do not commit (not ``transaction=True``, no live server). Yields the
    var dir the demo used (its admin password file, its media)."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    saved_password = os.environ.pop("DEMO_ADMIN_PASSWORD", None)
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"),
            transaction.atomic(),
        ):
            with (var_dir / "load_demo.log").open("w") as log:
                call_command("load_demo", stdout=log)
            yield var_dir
            transaction.set_rollback(True)
    finally:
        if saved_password is not None:
            os.environ["DEMO_ADMIN_PASSWORD"] = saved_password


@pytest.fixture
def home_page(db):
    """The English home page as the default site's root (survives transactional flushes)."""
    return build_home_page()


@pytest.fixture
def outbox_dir(tmp_path, settings):
    """A fresh file outbox for this test, used by this process and any worker it starts."""
    folder = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
    settings.EMAIL_PROVIDER = "outbox"
    settings.OUTBOX_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def _fresh_page_frame():
    """Menus, feed links and contact details cached by an earlier test (whose database
    rows are gone, rolled back without a signal) must not reach this test's pages."""
    from cms.frame_cache import forget

    forget()


@pytest.fixture
def private_queue():
    """Route the partner, subscriber, campaign and event tasks to a queue of this
    test's own, so a worker it starts never picks up another test's messages."""
    from cms.celery import app

    def route(routes) -> None:
        app.conf.task_routes = routes
        # Celery builds its router once, at the first publish: rebuild it.
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()

    name = f"test-private-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_routes
    route(
        {
            "cms.partners.tasks.*": {"queue": name},
            "subscribers.tasks.*": {"queue": name},
            "campaigns.tasks.*": {"queue": name},
            "events.tasks.*": {"queue": name},
        }
    )
    yield name
    route(previous)


@pytest.fixture
def fake_mailgun(settings):
    """The loopback fake Mailgun behind anymail's real Mailgun backend."""
    from tests.fake_esp import FakeMailgun

    fake = FakeMailgun().start()
    settings.EMAIL_PROVIDER = "mailgun"
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = fake.anymail_settings()
    yield fake
    fake.stop()
