"""Guests follow the event: a published change of time, place or status reaches each
confirmed and waitlisted guest once, whichever door it came through (editing the event
page, or the alert screen's update and cancel).

The default-locale page owns the facts; ``announced_facts`` holds what guests were
last told. A change is claimed under the event's row lock, so two publishes (or a
publish and the alert screen) never tell the same change twice.
"""

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import SHARED_FIELDS, EventNotice, EventPage, GuestMessage, Rsvp
from .rsvps import fill_free_places, lock_event


def sync_translations(event: EventPage) -> int:
    """Copy the source page's facts (and its SEQUENCE) onto every translation row."""
    values = {name: getattr(event, name) for name in SHARED_FIELDS}
    return (
        EventPage.objects.filter(translation_key=event.translation_key)
        .exclude(pk=event.pk)
        .update(**values)
    )


def describe_changes(before: dict, after: dict) -> list[str]:
    """What guests need to hear about: "time", "place", "online", "cancelled",
    "reinstated" (in that order)."""
    changes = []
    if (before.get("start"), before.get("end")) != (after["start"], after["end"]):
        changes.append("time")
    if (before.get("venue"), before.get("address")) != (
        after["venue"],
        after["address"],
    ):
        changes.append("place")
    if before.get("online_url") != after["online_url"]:
        changes.append("online")
    if after["cancelled"] and not before.get("cancelled"):
        changes.append("cancelled")
    elif before.get("cancelled") and not after["cancelled"]:
        changes.append("reinstated")
    return changes


def changes_to_tell(announced: dict, current: dict) -> list[str]:
    """The changes guests last told ``announced`` must hear about (none before the
    facts were first recorded: nobody could RSVP yet)."""
    return describe_changes(announced, current) if announced else []


def guests_to_notify(event: EventPage):
    """The RSVPs a change of ``event`` reaches: confirmed and waitlisted guests, none
    once the event is over."""
    if event.end <= timezone.now():
        return Rsvp.objects.none()
    return Rsvp.objects.filter(
        event_id=event.pk, status__in=[Rsvp.Status.CONFIRMED, Rsvp.Status.WAITLISTED]
    )


def guests_to_tell(event: EventPage) -> int:
    """How many guests publishing ``event`` (an unsaved edit of a live event) will
    e-mail at once: announce_event_change's own rule, asked before the publish."""
    if event.pk is None or event.source_or_none() is not None:
        return 0  # a new page has no guests; a translation's facts are its source's
    announced = (
        EventPage.objects.filter(pk=event.pk)
        .values_list("announced_facts", flat=True)
        .first()
    )
    if not changes_to_tell(announced or {}, event.facts()):
        return 0
    return guests_to_notify(event).count()


def announce_event_change(
    *,
    event_id: int,
    message: str = "",
    alert_page_id: int | None = None,
    force: bool = False,
    messages: dict[str, str] | None = None,
) -> EventNotice | None:
    """Owe each confirmed and waitlisted guest one message about the event's change
    since they were last told (with ``force``, even when only the message is new).

    Returns the notice, or None when there is nothing to tell (no change, the first
    publish, or the event is over). Safe to run twice: the second finds the facts
    already announced.
    """
    from events.guest_mail import enqueue_sending

    with transaction.atomic():
        event = lock_event(event_id)
        current = event.facts()
        before = event.announced_facts or {}
        changes = changes_to_tell(before, current)
        if not changes and not (force and before):
            if not before:
                EventPage.objects.filter(pk=event.pk).update(announced_facts=current)
            return None
        EventPage.objects.filter(pk=event.pk).update(announced_facts=current)
        guests = guests_to_notify(event).values_list("pk", flat=True)
        if not guests.exists():
            return None
        moved = "time" in changes and before.get("start") and before.get("end")
        notice = EventNotice.objects.create(
            event=event,
            previous_start=datetime.fromtimestamp(before["start"], UTC)
            if moved
            else None,
            previous_end=datetime.fromtimestamp(before["end"], UTC) if moved else None,
            kind=EventNotice.Kind.CANCELLATION
            if current["cancelled"]
            else EventNotice.Kind.UPDATE,
            changes=changes,
            message=message.strip(),
            messages=messages or {},
            sequence=event.ical_sequence,
            alert_page_id=alert_page_id,
        )
        GuestMessage.objects.bulk_create(
            [
                GuestMessage(
                    rsvp_id=rsvp_id,
                    kind=notice.kind,
                    key=f"notice:{notice.pk}",
                    notice=notice,
                )
                for rsvp_id in guests
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(enqueue_sending)
    return notice


def event_published(*, event_id: int) -> None:
    """After a source event is published: tell guests what changed and give any
    places the new capacity frees to the waitlist. Safe to run twice."""
    announce_event_change(event_id=event_id)
    fill_free_places(event_id=event_id)


def raise_sequence(event: EventPage) -> None:
    """One more SEQUENCE for the event in every language (a change calendars must
    take even though no field changed)."""
    EventPage.objects.filter(translation_key=event.translation_key).update(
        ical_sequence=F("ical_sequence") + 1, ical_changed_at=timezone.now()
    )
