"""Fault tests: a real Celery worker process, the loopback fake provider, real failures.

Each assertion message states the figures: recipients missing and duplicated.
"""

import os
import signal
import time
from collections import Counter

import pytest
from django.conf import settings

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services.starting import (
    enqueue_send_batches,
    materialise_deliveries,
)
from campaigns.mailings.tasks import keep_mailings_moving_task
from tests.campaigns.bulk_audience import bulk_subscribers
from tests.campaigns.mailing_fixtures import lists, sending_mailing
from tests.fake_esp import FakeMailgun
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
]
BATCH = 500
WORKERS = 2


@pytest.fixture
def provider():
    fake = FakeMailgun().start()
    yield fake
    fake.stop()


def provider_env(fake: FakeMailgun, tmp_path, **extra) -> dict[str, str]:
    return worker_env(
        redis_url=settings.REDIS_URL,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
        MAILING_BATCH_SIZE=str(BATCH),
        MAILING_PARALLEL_BATCHES=str(WORKERS),
        MAILING_SENDING_TIMEOUT="5",
        MAILING_PROBE_INTERVAL="5",
        **extra,
    )


def start_audience(home_page, count: int) -> tuple[Mailing, list[str]]:
    chosen = lists(4)
    addresses = bulk_subscribers(count, chosen)
    mailing = sending_mailing(
        home_page, chosen, languages=("en", "es", "hi", "zh-hans", "ar", "pl")
    )
    materialise_deliveries(mailing, ["en", "es", "hi", "zh-hans", "ar", "pl"])
    return mailing, addresses


def run_upkeep_until_done(
    mailing: Mailing, *, timeout: float, queue: str = "bulk"
) -> None:
    """What beat does every few seconds: sweep lost claims, restart stalls, probe."""

    def done():
        keep_mailings_moving_task.apply_async(queue=queue)
        return not Delivery.objects.filter(
            mailing=mailing, status__in=["queued", "sending"]
        ).exists()

    wait_for(
        done, timeout=timeout, what="every delivery to leave the queue", interval=2
    )


def figures(fake: FakeMailgun, addresses: list[str]) -> tuple[int, int, str]:
    received = Counter(fake.recipients())
    missing = len(set(addresses) - set(received))
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    return missing, duplicated, f"recipients missing={missing} duplicated={duplicated}"


def test_kill_9_at_40_percent_then_restart_loses_nobody(home_page, provider, tmp_path):
    mailing, addresses = start_audience(home_page, 20_000)
    env = provider_env(provider, tmp_path)
    log = tmp_path / "worker1.log"
    with celery_worker(
        env=env, queues=["bulk"], concurrency=WORKERS, log_path=log
    ) as worker:
        enqueue_send_batches(mailing_id=mailing.pk)
        wait_for(lambda: len(provider.delivered) >= 8_000, timeout=180, what="40% sent")
        os.killpg(os.getpgid(worker.pid), signal.SIGKILL)  # no goodbye, claims stranded
        worker.wait()
    at_crash = len(provider.delivered)
    stranded = Delivery.objects.filter(mailing=mailing, status="sending").count()

    with celery_worker(
        env=env, queues=["bulk"], concurrency=WORKERS, log_path=tmp_path / "w2.log"
    ):
        run_upkeep_until_done(mailing, timeout=300)

    missing, duplicated, summary = figures(provider, addresses)
    print(f"kill -9 at {at_crash} accepted, {stranded} claims stranded: {summary}")  # noqa: T201
    assert missing == 0, summary
    assert duplicated <= BATCH * WORKERS, (
        f"{summary}; in-flight window is {BATCH * WORKERS}"
    )
    assert Delivery.objects.filter(mailing=mailing, status="sent").count() == 20_000, (
        summary
    )


def test_thirty_percent_429_and_5xx_still_sends_everyone_once(
    home_page, provider, tmp_path
):
    mailing, addresses = start_audience(home_page, 5_000)
    provider.faults.fail_ratio = 0.3
    provider.faults.retry_after = 1
    # Retries back off exponentially; capped low so a run of bad luck costs seconds.
    env = provider_env(
        provider,
        tmp_path,
        MAILING_PAUSE_AFTER_FAILURES="50",
        MAILING_RETRY_BACKOFF_CAP="4",
    )
    with celery_worker(
        env=env, queues=["bulk"], concurrency=WORKERS, log_path=tmp_path / "w.log"
    ):
        enqueue_send_batches(mailing_id=mailing.pk)
        run_upkeep_until_done(mailing, timeout=300)

    missing, duplicated, summary = figures(provider, addresses)
    print(f"{provider.failed_calls} of {provider.calls} calls failed: {summary}")  # noqa: T201
    assert provider.failed_calls > 0, "the fault injection must have bitten"
    assert missing == 0, summary
    assert duplicated == 0, summary
    assert "Retry in" in (tmp_path / "w.log").read_text(), (
        "failures were retried by Celery"
    )


# Longer than the pause threshold and several probe intervals; the first round ran it for
# two minutes (FAULT_OUTAGE_SECONDS=120 does again).
OUTAGE = float(os.environ.get("FAULT_OUTAGE_SECONDS", 30))


def test_provider_down_pauses_then_resumes_without_resends(
    home_page, provider, tmp_path
):
    mailing, addresses = start_audience(home_page, 6_000)
    provider.faults.latency = 0.05  # so the outage starts mid-send
    env = provider_env(provider, tmp_path, MAILING_PAUSE_AFTER_FAILURES="3")
    with celery_worker(
        env=env, queues=["bulk"], concurrency=WORKERS, log_path=tmp_path / "w.log"
    ):
        enqueue_send_batches(mailing_id=mailing.pk)
        wait_for(
            lambda: len(provider.delivered) >= 1_000,
            timeout=120,
            what="a first part sent",
        )
        provider.go_down(OUTAGE)
        outage_ends = time.monotonic() + OUTAGE
        sent_before = set(
            Delivery.objects.filter(mailing=mailing, status="sent").values_list(
                "pk", flat=True
            )
        )

        def paused():
            keep_mailings_moving_task.apply_async(queue="bulk")
            return Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.PAUSED

        wait_for(paused, timeout=OUTAGE, what="the mailing to pause itself", interval=1)
        assert time.monotonic() < outage_ends, (
            "paused while the provider was still down"
        )
        run_upkeep_until_done(mailing, timeout=300)

    missing, duplicated, summary = figures(provider, addresses)
    resent = Counter(provider.recipients())
    print(f"outage: {len(sent_before)} sent before, {summary}")  # noqa: T201
    assert missing == 0, summary
    assert duplicated == 0, f"{summary}: already-sent deliveries were sent again"
    assert all(count == 1 for count in resent.values())
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
