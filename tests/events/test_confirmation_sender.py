"""A crowd's RSVPs owe their confirmations as rows, written by the claim itself, and
queue the guest-mail sender once per burst (cms.wakeup), not once each: with Redis, a
web process publishes only while no sender waits in the queue. With a real worker,
every guest gets exactly one confirmation, also those who RSVP while it sends."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from cms.wakeup import awake
from events.models import GuestMessage, Rsvp
from events.rsvps import cancel_rsvp
from events.services import record_rsvp
from events.tasks import send_guest_messages_task
from tests.events.guests import guest_event, outbox_emails
from tests.workers import celery_worker, purge_queues, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_cache():
    """Not the event tests' per-test memory cache: the wake-up flag must live where
    the worker sees it, the settings' shared Redis (keys of this xdist process)."""


def waiting_in(lane: str) -> int:
    """Messages in a lane of this run's broker (Redis, or the embedded one's files)."""
    from cms.celery import app

    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(lane).message_count


def rsvp(event, n: int, language: str = "es") -> Rsvp:
    return record_rsvp(
        event_id=event.pk, name="Guest", email=f"g{n}@example.org", language=language
    )


def test_twenty_rsvps_queue_the_sender_once_until_its_turn_is_over(home_page):
    event = guest_event(capacity=None)
    for n in range(20):
        rsvp(event, n)

    owed = GuestMessage.objects.filter(kind="confirmation", status="queued")
    assert owed.count() == 20, "each RSVP owes its confirmation, in the same write"
    assert set(owed.values_list("key", flat=True)) == {"confirmation:0"}
    # Without Redis each process has its own cache, nothing to share a flag in:
    # every RSVP queues the sender, as before (the embedded setup, one office).
    once = 1 if settings.REDIS_URL else 20
    assert waiting_in("alerts") == once
    awake(send_guest_messages_task)  # what the sender does after its turn
    rsvp(event, 20)
    assert waiting_in("alerts") == once + 1, "rows written after its turn: again"
    rsvp(event, 21)
    assert waiting_in("alerts") == (2 if settings.REDIS_URL else 22)


def test_the_sender_gives_the_alerts_lane_back_after_its_turn(home_page, settings):
    """It shares the alerts worker with rally alerts: after its turn it queues itself
    again, at the back, behind an alert published meanwhile; done, it does not."""
    event = guest_event(capacity=None)
    for n in range(3):
        rsvp(event, n)
    sent = GuestMessage.objects.filter(status="sent")
    settings.EVENT_GUEST_MAIL_TURN_SECONDS = 0  # a turn of one message
    purge_queues(["alerts"])  # as the worker takes the sender off the queue

    send_guest_messages_task()  # in this process, as the worker runs it
    assert sent.count() == 1
    assert waiting_in("alerts") == 1, "queued again for the other two"

    purge_queues(["alerts"])
    settings.EVENT_GUEST_MAIL_TURN_SECONDS = 60
    send_guest_messages_task()
    assert sent.count() == 3
    assert waiting_in("alerts") == 0, "nothing left: not queued again"


def test_the_sender_steps_aside_while_other_tasks_wait_on_the_lane(home_page):
    """A rally alert's tasks queued on the alerts lane go first: the sender sends
    nothing and queues itself behind them, to look again in a turn's time."""
    from events.tasks import dispatch_guest_mail_task

    rsvp(guest_event(capacity=None), 1)
    purge_queues(["alerts"])
    dispatch_guest_mail_task.apply_async(queue="alerts")  # another task waits

    send_guest_messages_task()
    assert not GuestMessage.objects.filter(status="sent").exists()
    assert waiting_in("alerts") == 2, "the other task, then the sender again"


def test_a_guest_who_comes_back_is_owed_a_new_confirmation(home_page, rate_limit):
    rate_limit("confirmation-mail.address", "0")  # no daily allowance in the way
    event = guest_event(capacity=None)
    first = rsvp(event, 1)
    cancel_rsvp(rsvp_id=first.pk)
    assert rsvp(event, 1).pk == first.pk, "the same row, at the back"
    assert sorted(
        GuestMessage.objects.filter(kind="confirmation").values_list("key", flat=True)
    ) == ["confirmation:0", "confirmation:2"]


def test_within_the_daily_allowance_only(home_page):
    """Two confirmations a day per address and event (RATE_LIMIT_RSVP_MAILS_...):
    coming back after a cancellation is confirmed again; a third time the allowance
    is spent, and a place without its confirmation is none: refused, still cancelled."""
    event = guest_event(capacity=None)
    first = rsvp(event, 1)
    cancel_rsvp(rsvp_id=first.pk)
    rsvp(event, 1)  # back again: confirmed, and told so
    cancel_rsvp(rsvp_id=first.pk)
    with pytest.raises(ValidationError) as refused:
        rsvp(event, 1)
    assert refused.value.code == "mail_limit"
    assert Rsvp.objects.get(pk=first.pk).status == "cancelled"
    owed = GuestMessage.objects.filter(kind="confirmation")
    assert owed.count() == 2
    assert set(owed.values_list("rsvp_id", flat=True)) == {first.pk}


def test_a_refused_rsvp_owes_nothing_and_keeps_the_allowance(home_page):
    event = guest_event(capacity=1, waitlist=False)
    rsvp(event, 1)
    with pytest.raises(ValidationError) as refused:
        rsvp(event, 2)
    assert refused.value.code == "full"
    assert GuestMessage.objects.count() == 1
    other = guest_event(title="Lobby day", capacity=None)
    rsvp(other, 2)  # the same address's allowance was given back: still owed mail
    assert GuestMessage.objects.filter(rsvp__event=other).count() == 1


def test_a_crowd_rsvping_while_the_worker_sends_gets_one_email_each(
    home_page, outbox_dir, tmp_path
):
    event = guest_event(capacity=None)
    var_dir = tmp_path / "var" if settings.REDIS_URL else Path(settings.VAR_DIR)
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        CELERY_BROKER_POLLING_INTERVAL="0.05",
    )
    guests = 40
    with celery_worker(
        env=env, queues=["alerts"], log_path=tmp_path / "worker.log", ready_timeout=120
    ):
        for n in range(guests):
            rsvp(event, n, language=("es", "ar", "pl", "en")[n % 4])
            time.sleep(0.02)  # a crowd's pace, so RSVPs land while it sends
        wait_for(
            lambda: len(list(outbox_dir.glob("*.eml"))) >= guests,
            timeout=120,
            what="every guest's confirmation",
        )
        time.sleep(1)  # a duplicate would arrive now
    received = [email.to for email in outbox_emails(outbox_dir)]
    assert sorted(received) == sorted(f"g{n}@example.org" for n in range(guests))
    assert set(GuestMessage.objects.values_list("status", flat=True)) == {"sent"}
