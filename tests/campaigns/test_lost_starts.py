"""A mailing whose start task was lost (a Redis restart without persistence, a purged
queue) is started again by the upkeep, and starting twice, even side by side, sends
nobody twice."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing, MailingRendition
from campaigns.mailings.services import control, sending, starting, upkeep
from campaigns.mailings.tasks import keep_mailings_moving_task
from cms.mail import outbox
from cms.queues import queue_depths
from tests.campaigns.bulk_audience import bulk_subscribers
from tests.campaigns.mailing_fixtures import lists
from tests.factories import SuperuserFactory, build_bulletin
from tests.workers import celery_worker, purge_queues, wait_for, worker_env

AUDIENCE = 400


def sent_by_send_now(lane: str, *, people: int = AUDIENCE) -> tuple[Mailing, list]:
    """A bulletin (or alert) sent to ``people`` while no worker of its lane listens."""
    chosen = lists(2)
    addresses = bulk_subscribers(people, chosen, prefix=f"{lane}-")
    admin = SuperuserFactory()
    mailing = control.create_mailing(
        user=admin,
        page=build_bulletin(title="Know your rights"),
        list_ids=[m.pk for m in chosen],
        lane=lane,
        send_by=timezone.now() + timedelta(hours=2),
    )
    control.send_now(user=admin, mailing_id=mailing.pk)
    return mailing, addresses


def everything_sent() -> list[str]:
    return outbox.list_messages(limit=AUDIENCE * 2)


def quiet_for(mailing: Mailing, seconds: float) -> None:
    """As if nothing had happened to the mailing for ``seconds``."""
    Mailing.objects.filter(pk=mailing.pk).update(
        last_progress_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.fixture
def empty_lanes():
    purge_queues(["bulk", "alerts"])
    yield
    purge_queues(["bulk", "alerts"])


@pytest.mark.django_db
def test_upkeep_requeues_a_lost_start_once_per_timeout_per_lane(
    home_page, empty_lanes, settings
):
    settings.MAILING_START_TIMEOUT = 300
    settings.MAILING_ALERT_START_TIMEOUT = 45
    bulletin, _ = sent_by_send_now("bulk", people=3)
    alert, _ = sent_by_send_now("alerts", people=3)
    purge_queues(["bulk", "alerts"])  # the start tasks are lost

    fresh = upkeep.keep_mailings_moving()
    assert fresh["started"] == [], "a start just queued is not taken for lost"

    quiet_for(bulletin, 60)
    quiet_for(alert, 60)
    assert upkeep.keep_mailings_moving()["started"] == [alert.pk], (
        "an alert is restarted after 45 s, a bulletin not yet"
    )
    assert queue_depths()["alerts"] == 1
    assert upkeep.keep_mailings_moving()["started"] == [], "once per timeout"

    quiet_for(bulletin, 301)
    assert upkeep.keep_mailings_moving()["started"] == [bulletin.pk]
    assert queue_depths()["bulk"] == 1


def test_alerts_recover_within_about_a_minute():
    sweep = settings.CELERY_BEAT_SCHEDULE["keep-mailings-moving"]
    assert sweep["task"] == "campaigns.mailings.tasks.keep_mailings_moving_task"
    assert sweep["schedule"] + settings.MAILING_ALERT_START_TIMEOUT <= 60
    assert settings.MAILING_START_TIMEOUT <= 5 * 60


@pytest.mark.django_db(transaction=True)
def test_starting_twice_adds_no_delivery_and_queues_the_sends_once(
    home_page, empty_lanes, settings
):
    mailing, _ = sent_by_send_now("bulk", people=30)
    purge_queues(["bulk"])

    assert starting.start_mailing(mailing_id=mailing.pk) == 30
    assert starting.start_mailing(mailing_id=mailing.pk) == 30

    assert Delivery.objects.filter(mailing=mailing).count() == 30
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    assert queue_depths()["bulk"] == settings.MAILING_PARALLEL_BATCHES


def run_side_by_side(function, times: int) -> list:
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(function())
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_start_leaves_at_once_while_the_first_holds_the_mailing(
    home_page, empty_lanes
):
    mailing, _ = sent_by_send_now("alerts", people=5)
    purge_queues(["alerts"])
    holding, release = threading.Event(), threading.Event()

    def first_start_in_progress() -> None:
        with transaction.atomic():
            assert starting._hold_for_start(mailing.pk)
            holding.set()
            release.wait(timeout=60)
        connection.close()

    first = threading.Thread(target=first_start_in_progress)
    first.start()
    try:
        assert holding.wait(timeout=30)
        starting.start_mailing(mailing_id=mailing.pk)  # would block without SKIP LOCKED
        assert not Delivery.objects.filter(mailing=mailing).exists()
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.STARTING
    finally:
        release.set()
        first.join(timeout=60)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_starts_side_by_side_send_each_person_once(
    home_page, empty_lanes, outbox_dir, settings
):
    settings.MAILING_BATCH_SIZE = 100
    mailing, addresses = sent_by_send_now("bulk")
    purge_queues(["bulk"])

    run_side_by_side(lambda: starting.start_mailing(mailing_id=mailing.pk), 4)

    assert Delivery.objects.filter(mailing=mailing).count() == AUDIENCE
    assert queue_depths()["bulk"] == settings.MAILING_PARALLEL_BATCHES, (
        "the send chains are queued by one start only"
    )
    languages = MailingRendition.objects.filter(mailing=mailing).values_list(
        "language", flat=True
    )
    assert len(languages) == len(set(languages))
    while sending.send_batch(mailing_id=mailing.pk):
        pass
    received = Counter(outbox.read_message(name)["To"] for name in everything_sent())
    assert set(received) == set(addresses)
    assert set(received.values()) == {1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("lane", "quiet"), [("alerts", 50), ("bulk", 5 * 60 + 5)], ids=["alert", "bulletin"]
)
def test_a_start_lost_with_the_queue_is_sent_by_a_real_worker(
    home_page, outbox_dir, tmp_path, lane, quiet
):
    """The operator's report: the worker of the lane was down, the queue was lost."""
    mailing, addresses = sent_by_send_now(lane)
    purge_queues([lane])  # what a Redis restart without persistence does
    quiet_for(mailing, quiet)
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)

    with celery_worker(env=env, queues=[lane], log_path=tmp_path / "worker.log"):

        def sent() -> bool:
            keep_mailings_moving_task.apply_async(queue=lane)  # what beat does
            mailing.refresh_from_db()
            return mailing.status == Mailing.Status.SENT

        wait_for(sent, timeout=120, what="the lost mailing to be sent", interval=2)

    received = Counter(outbox.read_message(name)["To"] for name in everything_sent())
    assert set(received) == set(addresses)
    assert set(received.values()) == {1}, "nobody twice"
    assert mailing.recipients_count == AUDIENCE
