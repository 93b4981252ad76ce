"""Reminders to confirmed guests (default: the day before at 9:00 Chicago time, and
two hours before), claimed in the database by a beat task, never a Celery ETA.

A reminder is claimed by inserting its (event, slot, due time) row, unique, in the
transaction that owes each guest their message, so two beat processes cannot both
send it. A reminder that fell due while no beat ran is sent when one runs again, if
the event has not started; when several fell due, only the latest goes out. A guest
who RSVPed after a reminder's time is not reminded by it (their confirmation is
fresher), and one who cancelled is never reminded (checked again at send time).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import EventPage, EventReminder, GuestMessage, Rsvp

# The earliest a reminder can be: 72 hours before, or the day before at midnight.
LOOKAHEAD = timedelta(hours=73)


def due_events(now: datetime):
    """Upcoming, live, not cancelled events with confirmed guests that could owe a
    reminder now."""
    confirmed = Rsvp.objects.filter(event=OuterRef("pk"), status=Rsvp.Status.CONFIRMED)
    return EventPage.objects.filter(
        live=True,
        cancelled=False,
        rsvp_mode=EventPage.RsvpMode.INTERNAL,
        start__gt=now,
        start__lte=now + LOOKAHEAD,
    ).filter(Exists(confirmed))


def _claim(event: EventPage, slot: str, due_at: datetime, *, send: bool) -> int:
    """Insert the reminder row (the claim) and owe its messages; 0 if already claimed."""
    from events.guest_mail import enqueue_sending

    try:
        with transaction.atomic():
            reminder = EventReminder.objects.create(
                event=event, slot=slot, due_at=due_at, sent=send
            )
            if not send:
                return 0
            guests = Rsvp.objects.filter(
                event=event, status=Rsvp.Status.CONFIRMED, created_at__lt=due_at
            ).values_list("pk", flat=True)
            messages = GuestMessage.objects.bulk_create(
                [
                    GuestMessage(
                        rsvp_id=rsvp_id,
                        kind=GuestMessage.Kind.REMINDER,
                        key=f"reminder:{reminder.pk}",
                        reminder=reminder,
                    )
                    for rsvp_id in guests
                ]
            )
            transaction.on_commit(enqueue_sending)
            return len(messages)
    except IntegrityError:
        return 0  # another beat run claimed it first


def dispatch_due_reminders(*, now: datetime | None = None) -> int:
    """Claim every reminder that is due and owe its guests their message; returns how
    many messages were owed. Safe to run twice and in parallel."""
    now = now or timezone.now()
    owed = 0
    for event in due_events(now):
        due = [(slot, at) for slot, at in event.reminder_times() if at <= now]
        if not due:
            continue
        already = set(
            EventReminder.objects.filter(event=event).values_list("slot", "due_at")
        )
        latest = due[-1]
        for slot, at in due:
            if (slot, at) in already:
                continue
            owed += _claim(event, slot, at, send=(slot, at) == latest)
    return owed
