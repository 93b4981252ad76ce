"""Shared fixtures. Services come from the environment: DATABASE_URL and REDIS_URL."""

import os
import uuid

import pytest
from django.conf import settings

from tests.factories import build_home_page


def _using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    # On a bare machine these skip; CI provides both services and fails on any skip.
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://..."
    )
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and not _using_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


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


def pytest_sessionfinish(session, exitstatus):
    """With FAIL_ON_SKIP=1 (CI), a skipped test fails the run, and so does running none."""
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"FAIL_ON_SKIP: {skipped} test(s) skipped", red=True)
        session.exitstatus = 1
    elif exitstatus == 5:
        session.exitstatus = 1


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
