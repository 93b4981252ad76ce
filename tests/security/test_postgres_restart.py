"""PostgreSQL restarted in immediate mode mid-send: nobody is missed and nobody is
mailed twice: a batch the provider accepted while the database was away is recorded
once it is back, not swept back to the queue and sent again.

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
from django.db import connection

from tests.fake_esp import FakeMailgun
from tests.workers import ROOT, celery_worker, wait_for, worker_env

# django_db: the suite's test database exists (and the connection names it) before the
# dump below, even when this module runs alone.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]
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
    )
    if done.returncode:
        raise AssertionError(f"driver {args} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def copy_test_database(url: str) -> None:
    """The migrated test database (schema and the migrations' rows) into the private
    cluster: seconds, where running every migration there takes a minute or more."""
    db = connection.settings_dict
    # The name the test run gave its database (with xdist's suffix): a test holding
    # database access has the connection's NAME switched to it (asking the creation
    # for a test name then would prefix it a second time: test_test_...).
    name = db["NAME"]
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--dbname", name]
        + ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432)]
        + (["--username", db["USER"]] if db["USER"] else []),
        check=True,
        capture_output=True,
        env={"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
        timeout=120,
    ).stdout
    subprocess.run(
        ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", url],
        input=dump,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_immediate_restart_mid_send_mails_everyone_exactly_once(
    private_postgres, tmp_path
):
    fake = FakeMailgun().start()
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
        copy_test_database(private_postgres.url)
        seeded = json.loads(driver(env, "seed", str(COUNT)))
        addresses = seeded["addresses"]
        with celery_worker(
            env=env, queues=["bulk"], concurrency=WORKERS, log_path=tmp_path / "w.log"
        ):
            # Once a fifth is accepted, sends wait in flight while the database goes
            # away: the restart lands mid-send however fast or slow this machine is.
            fake.hold(after=COUNT // 5)
            driver(env, "enqueue", str(seeded["mailing"]))
            wait_for(lambda: fake.held >= 1, timeout=120, what="a send in flight")
            private_postgres.stop("immediate")
            at_crash = len(fake.delivered)
            time.sleep(2)
            private_postgres.start()
            fake.release()

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
    assert duplicated == 0, f"{summary}: batches the provider took were sent again"
    assert counts == {"sent": COUNT}, summary
