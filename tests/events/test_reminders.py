"""Reminders to confirmed guests, with frozen time: the day before at 9:00 Chicago time
and two hours before (across the March DST change), sent once, late when beat was
down (only the latest), never after the start, never to a guest who cancelled."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from events.guest_mail import send_guest_messages
from events.models import EventReminder, GuestMessage
from events.reminders import dispatch_due_reminders
from events.rsvps import cancel_rsvp
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp, sent_emails

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
# Sunday 14 March 2027, the day US clocks go forward: 18:00 CDT is 23:00 UTC.
START = datetime(2027, 3, 14, 18, 0, tzinfo=CHICAGO)
DAY_BEFORE = datetime(2027, 3, 13, 15, 0, tzinfo=UTC)  # 09:00 CST
TWO_HOURS = datetime(2027, 3, 14, 21, 0, tzinfo=UTC)  # 16:00 CDT


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def event(home_page, sender_queued, django_capture_on_commit_callbacks):
    """Built on 1 March with three confirmed guests (one cancels) and one waitlisted."""
    with freeze_time(utc(2027, 3, 1, 12)):
        event = guest_event(start=START, capacity=3)
        rsvp(event, "Ana", "ana@example.org", "en")
        rsvp(event, "Luis", "luis@example.org", "es")
        zoe = rsvp(event, "Zoe", "zoe@example.org", "pl")
        rsvp(event, "Omar", "omar@example.org", "ar")  # waitlisted
        with django_capture_on_commit_callbacks(execute=True):
            cancel_rsvp(rsvp_id=zoe.pk)  # Omar takes her place
    mail.outbox.clear()
    GuestMessage.objects.all().delete()
    return event


def reminders_sent() -> list:
    return [
        e
        for e in sent_emails()
        if "Reminder" in e.subject
        or "Recordatorio" in e.subject
        or "تذكير" in e.subject
    ]


def dispatch_and_send(moment: datetime) -> int:
    with freeze_time(moment):
        owed = dispatch_due_reminders()
        send_guest_messages()
    return owed


def test_both_default_reminders_go_once_at_their_time(event):
    assert [(slot, at.astimezone(UTC)) for slot, at in event.reminder_times()] == [
        ("day_before", DAY_BEFORE),
        ("hours_before", TWO_HOURS),
    ]
    assert dispatch_and_send(utc(2027, 3, 13, 14, 59)) == 0
    assert dispatch_and_send(DAY_BEFORE) == 3
    assert dispatch_and_send(utc(2027, 3, 13, 15, 1)) == 0, "claimed once"
    first = {e.to: e for e in sent_emails()}
    assert sorted(first) == ["ana@example.org", "luis@example.org", "omar@example.org"]
    assert first["ana@example.org"].subject == "Reminder: Know Your Rights session"
    assert first["luis@example.org"].subject.startswith("Recordatorio")
    assert PRIVATE_ADDRESS in first["ana@example.org"].everything
    assert "rsvp/cancel/" in first["ana@example.org"].text, (
        "one click to free the place"
    )
    assert not first["ana@example.org"].calendars, "a reminder changes no calendar"

    mail.outbox.clear()
    assert dispatch_and_send(utc(2027, 3, 14, 20, 59)) == 0
    assert dispatch_and_send(TWO_HOURS) == 3
    assert sorted(e.to for e in sent_emails()) == sorted(first)
    mail.outbox.clear()
    assert dispatch_and_send(utc(2027, 3, 14, 23, 0)) == 0, "the event started"
    assert not sent_emails()
    assert "zoe@example.org" not in {e.to for e in sent_emails()}


def test_a_reminder_due_while_beat_was_down_goes_late_but_once(event):
    # Beat was down at 09:00 the day before; it runs again the next morning.
    assert dispatch_and_send(utc(2027, 3, 14, 15, 0)) == 3
    assert len(reminders_sent()) == 3
    assert dispatch_and_send(utc(2027, 3, 14, 15, 5)) == 0


def test_when_several_fell_due_only_the_latest_goes(event):
    assert dispatch_and_send(utc(2027, 3, 14, 22, 0)) == 3
    assert len(reminders_sent()) == 3
    assert dict(EventReminder.objects.values_list("slot", "sent")) == {
        "day_before": False,
        "hours_before": True,
    }


def test_never_after_the_start_even_if_claimed_before(event):
    with freeze_time(TWO_HOURS):
        assert dispatch_due_reminders() == 3  # the worker is down: nothing sent
    with freeze_time(utc(2027, 3, 14, 23, 1)):
        send_guest_messages()
    assert not sent_emails()
    assert set(GuestMessage.objects.values_list("status", "error")) == {
        ("skipped", "event started")
    }


def test_a_guest_who_cancels_after_the_claim_gets_none(event):
    from events.models import Rsvp
    from subscribers.crypto import lookup_hash

    with freeze_time(TWO_HOURS):
        dispatch_due_reminders()
        ana = Rsvp.objects.get(email_hash=lookup_hash("ana@example.org"))
        cancel_rsvp(rsvp_id=ana.pk)
        send_guest_messages()
    assert "ana@example.org" not in {e.to for e in reminders_sent()}
    assert len(reminders_sent()) == 2


def test_guests_who_rsvped_after_the_reminder_time_are_not_reminded(event):
    from events.models import EventPage

    EventPage.objects.filter(pk=event.pk).update(capacity=None)
    with freeze_time(utc(2027, 3, 13, 20, 0)):
        rsvp(event, "Kai", "kai@example.org", "en")  # after the day-before time
    dispatch_and_send(utc(2027, 3, 13, 20, 1))
    assert "kai@example.org" not in {e.to for e in reminders_sent()}
    mail.outbox.clear()
    dispatch_and_send(TWO_HOURS)
    assert "kai@example.org" in {e.to for e in reminders_sent()}


def test_reminders_follow_the_event_settings(home_page, sender_queued):
    from datetime import time

    with freeze_time(utc(2027, 3, 1, 12)):
        event = guest_event(
            start=START, remind_day_before_at=time(18, 30), remind_hours_before=None
        )
        rsvp(event, "Ana", "ana@example.org")
    assert [
        (s, at.astimezone(CHICAGO).isoformat()) for s, at in event.reminder_times()
    ] == [("day_before", "2027-03-13T18:30:00-06:00")]
    assert dispatch_and_send(utc(2027, 3, 14, 0, 29)) == 0
    assert dispatch_and_send(utc(2027, 3, 14, 0, 30)) == 1
    assert dispatch_and_send(utc(2027, 3, 14, 22, 0)) == 0, "no reminder on the day"
