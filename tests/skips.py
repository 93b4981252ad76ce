"""Which tests may skip, and CI's strictness about skips (loaded with ``-p tests.skips``).

Kept apart from conftest.py, which imports the models: this plugin loads before Django.
"""

import os

import pytest
from django.conf import settings


def _using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


SKIP_NEEDS_POSTGRES = "needs PostgreSQL: set DATABASE_URL=postgres://..."
SKIP_NEEDS_REDIS = "needs Redis: set REDIS_URL=redis://..."


def pytest_collection_modifyitems(config, items):
    # On a bare machine these skip; CI provides both services and fails on any skip.
    skip_pg = pytest.mark.skip(reason=SKIP_NEEDS_POSTGRES)
    skip_redis = pytest.mark.skip(reason=SKIP_NEEDS_REDIS)
    for item in items:
        if "postgres" in item.keywords and not _using_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)


def pytest_sessionfinish(session, exitstatus):
    """FAIL_ON_SKIP=1 (CI on PostgreSQL and Redis): a skipped test fails the run.
    FAIL_ON_SKIP=services (CI as a newcomer): only the tests that need PostgreSQL or
    Redis may skip. Either way, running no test at all fails too."""
    mode = os.environ.get("FAIL_ON_SKIP")
    if mode not in {"1", "services"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:  # an xdist worker: the controller judges the whole run
        return
    skipped = reporter.stats.get("skipped", [])
    if mode == "services":
        allowed = {SKIP_NEEDS_POSTGRES, SKIP_NEEDS_REDIS}
        skipped = [
            r
            for r in skipped
            if _skip_reason(r).removeprefix("Skipped: ") not in allowed
        ]
    if skipped:
        reporter.write_line(
            f"FAIL_ON_SKIP={mode}: {len(skipped)} test(s) skipped", red=True
        )
        for report in skipped:
            reporter.write_line(f"  {report.nodeid}: {_skip_reason(report)}", red=True)
        session.exitstatus = 1
    elif exitstatus == 5:
        session.exitstatus = 1
