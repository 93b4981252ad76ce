"""A reminder that fell due while the worker (and its beat) was down goes out once when
it comes back, through the real beat schedule and worker; never for an event that has
started, never to a guest who cancelled."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from events.models import EventPage, EventReminder, Rsvp
from subscribers import crypto
from tests.events.guests import guest_event, outbox_emails
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def guest(event, name: str, email: str, status: str = "confirmed") -> Rsvp:
    """An RSVP made two days ago (written directly: no confirmation owed)."""
    row = Rsvp.objects.create(
        event=event,
        name=name,
        email=email,
        email_hash=crypto.lookup_hash(email),
        language="es",
        status=status,
    )
    Rsvp.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=2))
    return row


def test_a_reminder_due_while_the_worker_was_down_goes_once_when_it_returns(
    home_page, outbox_dir, tmp_path
):
    now = timezone.now()
    # Two hours before the start was 30 minutes ago, while nothing ran.
    soon = guest_event(
        start=now + timedelta(minutes=90),
        end=now + timedelta(hours=3),
        capacity=None,
        remind_day_before_at=None,
    )
    started = guest_event(title="Lobby day", remind_day_before_at=None)
    EventPage.objects.filter(translation_key=started.translation_key).update(
        start=now - timedelta(minutes=10)
    )
    guest(soon, "Ana", "ana@example.org")
    guest(soon, "Bo", "bo@example.org")
    guest(soon, "Cy", "cy@example.org", status="cancelled")
    guest(started, "Di", "di@example.org")
    log = tmp_path / "worker.log"
    # Beat publishes to the worker's own broker: Redis, or files under its VAR_DIR.
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=tmp_path / "var",
        EVENT_GUEST_MAIL_INTERVAL="1",
        LOG_ROUTINE_SWEEPS="1",  # each beat run shows in the log, counted below
    )

    def reminders() -> list:
        return [
            e for e in outbox_emails(outbox_dir) if e.subject.startswith("Recordatorio")
        ]

    def beat_runs() -> int:
        return log.read_text().count("events.tasks.dispatch_guest_mail_task")

    with celery_worker(
        env=env,
        queues=["default", "alerts"],
        log_path=log,
        beat=True,
        ready_timeout=120,
    ):
        wait_for(lambda: len(reminders()) == 2, timeout=90, what="the late reminders")
        runs = beat_runs()
        wait_for(lambda: beat_runs() >= runs + 3, timeout=90, what="three more beats")

    assert sorted(e.to for e in reminders()) == ["ana@example.org", "bo@example.org"]
    assert list(EventReminder.objects.values_list("event_id", "slot", "sent")) == [
        (soon.pk, "hours_before", True)
    ], "claimed once; nothing for the event that started"
