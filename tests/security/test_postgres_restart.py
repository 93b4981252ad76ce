"""PostgreSQL restarted in immediate mode mid-send: nobody is missed, the sweeper
recovers, duplicates stay within the in-flight window.

The test owns a private PostgreSQL cluster (initdb in a temp dir, a free port on
127.0.0.1) so the machine's shared server is never touched.
"""

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.fake_esp import FakeMailgun
from tests.workers import ROOT, celery_worker, wait_for, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
COUNT, BATCH, WORKERS = 3000, 100, 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        check=True,
        capture_output=True,
        timeout=120,
    )


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pgfault-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "-U",
            "postgres",
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "pg.log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"
        )

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"no PostgreSQL binaries at {PG_BIN}")
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


def driver(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.pg_fault_driver", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_immediate_restart_mid_send_loses_nobody(private_postgres, tmp_path):
    fake = FakeMailgun().start()
    fake.faults.latency = 0.2  # so the restart lands mid-send
    env = worker_env(
        redis_url=settings.REDIS_URL,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
        MAILING_BATCH_SIZE=str(BATCH),
        MAILING_PARALLEL_BATCHES=str(WORKERS),
        MAILING_SENDING_TIMEOUT="5",
        MAILING_PAUSE_AFTER_FAILURES="1000",
    )
    env["DATABASE_URL"] = private_postgres.url
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        seeded = json.loads(driver(env, "seed", str(COUNT)))
        addresses = seeded["addresses"]
        with celery_worker(
            env=env, queues=["bulk"], concurrency=WORKERS, log_path=tmp_path / "w.log"
        ):
            driver(env, "enqueue", str(seeded["mailing"]))
            wait_for(
                lambda: len(fake.delivered) >= COUNT // 5, timeout=120, what="20% sent"
            )
            private_postgres.stop("immediate")
            at_crash = len(fake.delivered)
            time.sleep(5)
            private_postgres.start()

            def finished():
                counts = json.loads(driver(env, "upkeep"))
                return not (counts.get("queued") or counts.get("sending"))

            wait_for(
                finished,
                timeout=300,
                what="every delivery to leave the queue",
                interval=3,
            )
            counts = json.loads(driver(env, "upkeep"))
    finally:
        fake.stop()
    received = Counter(fake.recipients())
    missing = len(set(addresses) - set(received))
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    summary = (
        f"restart after {at_crash} accepted: recipients missing={missing} "
        f"duplicated={duplicated}; deliveries {counts}"
    )
    print(summary)  # noqa: T201
    assert at_crash < COUNT, f"the restart must land mid-send; {summary}"
    assert missing == 0, summary
    assert duplicated <= BATCH * WORKERS, (
        f"{summary}; in-flight window {BATCH * WORKERS}"
    )
    assert counts == {"sent": COUNT}, summary
