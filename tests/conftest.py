"""Shared fixtures. Services come from the environment: DATABASE_URL and REDIS_URL."""

import os

import pytest

from tests import processes
from tests.factories import build_home_page


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
def _language_does_not_leak():
    """A request to /es/... leaves Spanish active in this thread (LocaleMiddleware never
    deactivates it); the next test must start in the default language."""
    from django.utils import translation

    yield
    translation.deactivate()


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
