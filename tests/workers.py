"""Real Celery worker processes for tests about queues.

The worker runs as a separate OS process with the same settings module, pointed at the
test database this process created, so it sees rows committed by transactional tests.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.processes import stop_tree

ROOT = Path(__file__).resolve().parent.parent


def current_database_url() -> str:
    """A DATABASE_URL for the database the test run is using right now."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(*, redis_url: str | None, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "VAR_DIR", "OUTBOX_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=current_database_url(),
        VAR_DIR=str(var_dir),
        OUTBOX_DIR=str(settings.OUTBOX_DIR),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextmanager
def celery_worker(
    *,
    env: dict[str, str],
    queues: list[str],
    concurrency: int = 1,
    log_path: Path,
    ready_timeout: float = 60,
    beat: bool = False,
    loglevel: str | None = "INFO",
    named: bool = True,
):
    """Start ``celery worker`` in its own process; yield the Popen; stop it afterwards.

    With ``beat`` the worker also runs Celery beat (``-B``), on the settings' schedule.
    ``loglevel`` None leaves the option out, as the README's commands do; ``named``
    False leaves ``--hostname`` out (the worker is Celery's ``celery@<host>``).
    """
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cms",
        "worker",
        *(["--loglevel", loglevel] if loglevel else []),
        "--queues",
        ",".join(queues),
        "--concurrency",
        str(concurrency),
        *(["--hostname", name] if named else []),
        "--without-mingle",
        "--without-gossip",
    ]
    if beat:
        command.append("--beat")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so a test can kill -9 the worker and its pool alone.
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: b" ready." in log_path.read_bytes() or process.poll() is not None,
            timeout=ready_timeout,
            what="worker start",
        )
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{log_path.read_text()}")
        yield process
    finally:
        # A warm shutdown first (the pool finishes its task), then nothing survives:
        # not the pool's children, nor anything orphaned by a test's kill -9.
        stop_tree(process, grace=20)


def purge_queues(queues=None) -> None:
    """Empty the lanes' queues on this run's broker (Redis or the embedded one)."""
    from cms.celery import app
    from cms.wakeup import awake
    from events.tasks import send_guest_messages_task

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in queues or [*settings.CELERY_QUEUES_ALL, "celery"]:
            channel.queue_purge(queue)
    # The sender purged with its queue must not be taken for one still waiting.
    awake(send_guest_messages_task)


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
