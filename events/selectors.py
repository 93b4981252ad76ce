"""Read queries about event guests, shared by the alerts pipeline and the admin."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cms.process_memo import ProcessMemo

from .models import EventPage, GuestMessage, Rsvp

# A crowd RSVPs to the same event dozens of times a second, and its page's script asks
# for the places left after each RSVP: each process keeps what both need to know of the
# event (live, default locale, view restrictions) instead of three queries per request.
# A publish, unpublish, deletion or changed restriction is seen by every process on its
# next request (cms.process_memo). Places, cancellation and the start time are never
# taken from here: events_claim_rsvp reads them under the event's lock, and the places
# count is always queried.
_public_events = ProcessMemo("events:public")


def public_event(*, event_id: int) -> tuple[EventPage | None, list]:
    """(the live default-locale event with this id, or None; its view restrictions)."""
    event = EventPage.objects.live().filter(pk=event_id).first()
    if event is None or event.canonical().pk != event.pk:
        # None, or a translation's id: RSVPs belong to the default-locale event.
        return None, []
    event.known_canonical = True
    return event, list(event.get_view_restrictions())


def memoised_public_event(*, event_id: int) -> tuple[EventPage | None, list]:
    """``public_event`` as this process last saw it, while no change came since."""
    return _public_events.get(event_id, lambda: public_event(event_id=event_id))


def unchecked_public_event(*, event_id: int) -> tuple[object, EventPage] | None:
    """(token, event) of this process's copy of a public event without view
    restrictions, its token *not* read now (ProcessMemo.copy); None without such a
    copy. The caller compares the token with the one at ``PUBLIC_EVENTS_TOKEN``
    (cache alias, key) where it acts."""
    copy = _public_events.copy(event_id)
    if copy is None:
        return None
    token, (event, restrictions) = copy
    if event is None or restrictions:
        return None
    return token, event


PUBLIC_EVENTS_TOKEN = ("default", _public_events.token_key)


def public_event_is_current(token) -> bool:
    """Whether no event changed since a copy with this token was taken."""
    return _public_events.is_current(token)


def forget_public_events() -> None:
    """Events changed: every process looks them up again."""
    _public_events.forget()


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
    """Confirmed, waitlisted, cancelled and checked-in guests of an event, and the
    pending RSVPs (not confirmed by e-mail yet: they hold no place)."""
    return Rsvp.objects.filter(event=event.canonical()).aggregate(
        confirmed=Count("pk", filter=Q(status=Rsvp.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Rsvp.Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Rsvp.Status.CANCELLED)),
        pending=Count("pk", filter=Q(status=Rsvp.Status.PENDING)),
        checked_in=Count(
            "pk",
            filter=Q(status=Rsvp.Status.CONFIRMED, checked_in_at__isnull=False),
        ),
    )


def place_went_to_waitlist(rsvp: Rsvp) -> bool:
    """Did a cancelled guest's place go to someone on the waitlist? True when they
    held a place and a waiting guest was given one when (or since) they cancelled;
    cancel_rsvp promotes in the same transaction. Only for the guest themself (their
    signed link or their e-mail): it tells whether anyone was waiting."""
    if rsvp.status != Rsvp.Status.CANCELLED or rsvp.left_waitlist:
        return False
    if rsvp.cancelled_at is None:
        return False
    return GuestMessage.objects.filter(
        rsvp__event_id=rsvp.event_id,
        kind=GuestMessage.Kind.PROMOTED,
        created_at__gte=rsvp.cancelled_at,
    ).exists()
