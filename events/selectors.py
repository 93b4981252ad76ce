"""Read queries about event guests, shared by the alerts pipeline and the admin."""

import threading
import time

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import EventPage, GuestMessage, Rsvp

# A crowd RSVPs to the same event dozens of times a second: each process keeps what an
# RSVP needs to know of it (live, default locale, view restrictions) a few seconds
# instead of two queries per RSVP. Publishing, unpublishing or a changed restriction
# clears this process's copy at once (receivers.py); other processes catch up within
# RSVP_EVENT_MEMO_SECONDS. Places, cancellation and the start time are not taken from
# here: events_claim_rsvp reads them under the event's lock.
RSVP_EVENT_MEMO_SECONDS = 5.0
_rsvp_event_memo: dict[int, tuple[float, EventPage | None, list]] = {}
_memo_lock = threading.Lock()


def public_event(*, event_id: int) -> tuple[EventPage | None, list]:
    """(the live default-locale event with this id, or None; its view restrictions)."""
    event = EventPage.objects.live().filter(pk=event_id).first()
    if event is None or event.canonical().pk != event.pk:
        # None, or a translation's id: RSVPs belong to the default-locale event.
        return None, []
    return event, list(event.get_view_restrictions())


def rsvp_event(*, event_id: int) -> tuple[EventPage | None, list]:
    """``public_event``, as this process saw it within RSVP_EVENT_MEMO_SECONDS."""
    now = time.monotonic()
    cached = _rsvp_event_memo.get(event_id)
    if cached is not None and now - cached[0] < RSVP_EVENT_MEMO_SECONDS:
        return cached[1], cached[2]
    event, restrictions = public_event(event_id=event_id)
    with _memo_lock:
        _rsvp_event_memo[event_id] = (now, event, restrictions)
    return event, restrictions


def forget_rsvp_events() -> None:
    with _memo_lock:
        _rsvp_event_memo.clear()


def told_by_guest_mail(*, alert_page_id: int, email_hash) -> QuerySet:
    """Guest messages about the same change as an "Update:"/"Cancelled:" alert, for
    one address hash (an OuterRef in an audience query): such a guest hears of the
    change once, from their own message with its calendar update."""
    return GuestMessage.objects.filter(
        notice__alert_page_id=alert_page_id, rsvp__email_hash=email_hash
    )


def without_told_guests(audience: QuerySet, *, alert_page_id: int) -> QuerySet:
    """An audience of subscribers minus the guests told of this alert's change."""
    told = told_by_guest_mail(
        alert_page_id=alert_page_id, email_hash=OuterRef("email_hash")
    )
    return audience.filter(~Exists(told))


def guest_counts(event: EventPage) -> dict[str, int]:
    """Confirmed, waitlisted, cancelled and checked-in guests of an event."""
    return Rsvp.objects.filter(event=event.canonical()).aggregate(
        confirmed=Count("pk", filter=Q(status=Rsvp.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Rsvp.Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Rsvp.Status.CANCELLED)),
        checked_in=Count(
            "pk",
            filter=Q(status=Rsvp.Status.CONFIRMED, checked_in_at__isnull=False),
        ),
    )
