"""Redis restarted in the middle of a bulletin's send through a real Celery worker:
once it is back, the send finishes with every subscriber mailed exactly once and the
mailing recorded as sent, whether Redis kept its data over the restart (a stock
install saves on shutdown) or came back empty (a cache-style install, --save "").

A private ``redis-server`` on a free loopback port (the shared one is never touched),
a worker running beat pointed at it and at the test database, the loopback fake ESP.
"""

import shutil
import subprocess
import time
from collections import Counter

import pytest

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.bulk_audience import bulk_subscribers
from tests.campaigns.mailing_fixtures import lists, sending_mailing
from tests.fake_esp import FakeMailgun
from tests.security.test_postgres_restart import driver
from tests.security.test_redis_outage import PrivateRedis
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
COUNT, BATCH, WORKERS = 300, 20, 2


class EmptyAfterRestart(PrivateRedis):
    """A redis-server that keeps nothing over a restart: queued tasks are lost."""

    def start(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.dir), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, timeout=20, what="redis-server to answer")


@pytest.fixture(params=["kept", "emptied"])
def redis_server(request):
    server = (PrivateRedis if request.param == "kept" else EmptyAfterRestart)()
    if not server.binary:
        pytest.fail("no redis-server on PATH (apt-get install redis-server)")
    server.start()
    yield server
    server.remove()


@pytest.fixture
def provider():
    fake = FakeMailgun().start()
    yield fake
    fake.stop()


def test_redis_restart_mid_send_mails_everyone_exactly_once(
    home_page, redis_server, provider, tmp_path
):
    chosen = lists(2)
    addresses = bulk_subscribers(COUNT, chosen, prefix="redisrestart")
    mailing = sending_mailing(home_page, chosen, languages=("en",))
    materialise_deliveries(mailing, ["en"])
    env = worker_env(
        redis_url=redis_server.url,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=provider.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=provider.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=provider.anymail_settings()[
            "MAILGUN_SENDER_DOMAIN"
        ],
        MAILING_BATCH_SIZE=str(BATCH),
        MAILING_PARALLEL_BATCHES=str(WORKERS),
        MAILING_SENDING_TIMEOUT="5",
        MAILING_PROBE_INTERVAL="5",
    )
    log = tmp_path / "worker.log"
    # Once a third is accepted, sends wait in flight while Redis goes away.
    provider.hold(after=COUNT // 3)
    with celery_worker(
        env=env, queues=["bulk"], concurrency=WORKERS, log_path=log, beat=True
    ):
        # Queued on the private Redis: the test process's own broker is not the worker's.
        driver(env, "enqueue", str(mailing.pk))
        wait_for(lambda: provider.held >= 1, timeout=120, what="a send in flight")
        redis_server.stop()
        at_restart = len(provider.delivered)
        time.sleep(3)
        redis_server.start()
        provider.release()
        wait_for(
            lambda: (
                not Delivery.objects.filter(
                    mailing=mailing, status__in=["queued", "sending"]
                ).exists()
            ),
            timeout=240,
            what="every delivery to leave the queue",
            interval=2,
        )
        # The mailing's own state settles at the next upkeep.
        wait_for(
            lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT,
            timeout=60,
            what="the mailing to be recorded as sent",
            interval=2,
        )
    received = Counter(provider.recipients())
    missing = len(set(addresses) - set(received))
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    statuses = Counter(
        Delivery.objects.filter(mailing=mailing).values_list("status", flat=True)
    )
    summary = (
        f"restart after {at_restart} accepted: missing={missing} "
        f"duplicated={duplicated}; deliveries {dict(statuses)}"
    )
    print(summary)  # noqa: T201
    assert 0 < at_restart < COUNT, f"the restart must land mid-send; {summary}"
    assert missing == 0, summary
    assert duplicated == 0, summary
    assert statuses == {"sent": COUNT}, summary
    # The batch in flight when Redis went away ran to its end and was recorded (a
    # worker that terminated it would leave accepted mail to be swept and sent
    # again), and the worker said so without a library's warning about its defaults.
    said = log.read_text(errors="replace")
    assert "Connection to broker lost" in said, "the worker must have seen the restart"
    assert "Terminating it instead" not in said
    assert "py.warnings" not in said, said[said.find("py.warnings") - 200 :][:1200]
