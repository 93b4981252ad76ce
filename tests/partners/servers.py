"""A real gunicorn serving the test database, for tests that need many clients at once.

Django's live_server starts a thread (and a database connection) per request; a burst
of 100 clients would open 100 connections on a PostgreSQL shared with other test runs.
gunicorn with a fixed pool serves the same burst with at most workers x threads.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.smtp_sink import free_port
from tests.workers import ROOT, current_database_url


@contextmanager
def gunicorn_server(*, var_dir: Path, workers: int = 2, threads: int = 6, **extra):
    """Start gunicorn (own session) on a free port; yield its base URL; kill it after.

    No REDIS_URL: its broker is the embedded one under ``var_dir``, so tasks it queues
    land in files nobody else reads (never in a queue another test's worker serves).
    """
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "VAR_DIR", "OUTBOX_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=current_database_url(),
        VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        **extra,
    )
    var_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "cms.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/v1/schema/", timeout=5).read()  # noqa: S310
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not come up") from None
                time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
