"""A guest's RSVP after it is made: cancelling it, the waitlist, checking in.

A freed place goes to the first person on the waitlist in the transaction that frees
it, with the event row locked, so two cancellations at once can never confirm more
people than the capacity, nor the same person twice. Each promotion owes its guest one
message (a GuestMessage row, unique per RSVP and change).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cms.page_urls import purge_urls

from .models import EventPage, GuestMessage, Rsvp, confirmed_count
from .places import places_html
from .signals import rsvp_confirmed

STARTED = gettext_lazy("This event has already started: the RSVP can no longer change.")


def purge_places(
    event_id: int, translation_key=None, *, host=None, public_event=None, places=None
) -> None:
    """Places were taken or freed: only the event's "places left" fragment, in every
    language, shows the count (the cached event page does not). ``event_id`` is the
    default-locale event's. With our page cache alone, the paths are known from the
    id; with a CDN or proxy too, the full URLs go through Wagtail's purge (with the
    event's translation key, usually no query: they are kept between RSVPs). Given
    the ``host`` the change came through, the fragments its readers have cached are
    re-rendered here, in the same step as our cache's purge (``refill_places``);
    without, a plain purge (one Redis round trip). ``public_event`` and ``places``:
    see ``refill_places``."""
    from cms.page_cache import purge_paths
    from cms.page_urls import (
        cached_places_urls,
        places_paths,
        places_urls,
        proxy_purging,
        purging,
    )

    if not purging():
        return
    if not proxy_purging():
        # What cms.frontend_cache.PageCacheBackend would do with the URLs, without
        # looking them up or building them: the page cache keys on paths only.
        if host:
            refill_places(event_id, host, public_event=public_event, places=places)
        else:
            purge_paths(places_paths(event_id))
    else:
        urls = cached_places_urls(translation_key) if translation_key else None
        if urls is None:
            urls = places_urls(EventPage.objects.get(pk=event_id))
        purge_urls(urls)
        if host:
            refill_places(event_id, host, public_event=public_event, places=places)


def refill_places(event_id: int, host: str, *, public_event=None, places=None) -> int:
    """Purge the event's places fragments and re-render, once, in the process that
    changed the places, those this host's readers have cached: at a rally the page's
    script asks for them many times a second, and each would otherwise find its copy
    purged, and render it again or get the stale copy. Returns how many were stored.

    ``public_event``: the caller's copy of the event from
    ``memoised_public_event``, found this request without view restrictions (the RSVP
    view's); it saves looking it up again (a Redis round trip). ``places``: (places
    left, EventPlaces.changes) as the caller's own change left them, read under the
    event's lock (events_claim_rsvp): shown without counting again unless a purge the
    copies cannot place came since (cms.page_cache.purge_and_refill)."""
    from functools import cache

    from django.utils import translation

    from cms.languages import LANGUAGE_CODES
    from cms.page_cache import purge_and_refill, purge_paths
    from cms.page_urls import places_paths

    from .selectors import memoised_public_event

    if public_event is not None and public_event.pk == event_id:
        event, restrictions = public_event, []
    else:
        event, restrictions = memoised_public_event(event_id=event_id)
    if event is None or restrictions:
        # Such fragments are never cached (events.views.places_by_id).
        purge_paths(places_paths(event_id))
        return 0

    def renders(state):
        def render(language):
            if language not in LANGUAGE_CODES:
                return None
            places_left, change = state()
            with translation.override(language):
                return places_html(event, event, places_left).encode(), change

        return render

    def renderer():
        # Counted once per attempt, if a copy asks.
        return renders(cache(event.places_now))

    known = None
    if places is not None:
        known = renders(lambda: places), places[1]
    return purge_and_refill(host, places_paths(event_id), renderer, known=known)


def purge_places_on_commit(
    event_id: int, translation_key=None, *, host=None, public_event=None, places=None
) -> None:
    """After the transaction: its queries stay out of the event lock, and nobody can
    cache the count from before the change."""

    def purge_places_after_commit():
        purge_places(
            event_id,
            translation_key,
            host=host,
            public_event=public_event,
            places=places,
        )

    transaction.on_commit(purge_places_after_commit)


def lock_event(event_id: int) -> EventPage:
    """The event row, locked until the end of the transaction (PostgreSQL; SQLite
    takes the database lock at BEGIN)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def owe_message(rsvp_id: int, kind: str, key: str) -> None:
    """Record the message a guest is owed for one change (once per key)."""
    GuestMessage.objects.get_or_create(
        rsvp_id=rsvp_id, key=key, defaults={"kind": kind}
    )


def _owe(rsvp: Rsvp, kind: str, key: str) -> None:
    from events.guest_mail import enqueue_sending

    owe_message(rsvp.pk, kind, key)
    transaction.on_commit(enqueue_sending)


def _promote_next(event: EventPage) -> Rsvp | None:
    """Inside a transaction holding the event lock: confirm the first waitlisted
    guest if a place is free. Returns them, or None."""
    if event.cancelled or event.start <= timezone.now():
        return None
    if event.capacity is not None:
        if confirmed_count(event.pk) >= event.capacity:
            return None
    first = (
        Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    Rsvp.objects.filter(pk=first.pk, status=Rsvp.Status.WAITLISTED).update(
        status=Rsvp.Status.CONFIRMED, waitlisted_at=None, version=F("version") + 1
    )
    first.refresh_from_db()
    _owe(first, GuestMessage.Kind.PROMOTED, f"promoted:{first.version}")
    rsvp_confirmed.send(sender=Rsvp, rsvp_id=first.pk, event_id=event.pk)
    return first


def fill_free_places(*, event_id: int) -> list[int]:
    """Promote waitlisted guests, first come first served, while places are free
    (capacity grew, or no limit any more); one transaction per place. Returns the
    promoted RSVP ids. Safe to run twice and in parallel."""
    promoted = []
    while True:
        with transaction.atomic():
            rsvp = _promote_next(lock_event(event_id))
        if rsvp is None:
            break
        promoted.append(rsvp.pk)
    if promoted:
        purge_places(event_id)
    return promoted


def cancel_rsvp(*, rsvp_id: int) -> Rsvp:
    """The guest cannot come: free their place, give it to the first on the waitlist
    (same transaction) and tell both. Safe to run twice: a cancelled RSVP stays as it
    is. Raises ValidationError, with nothing written, once the event has started."""
    event_id = Rsvp.objects.values_list("event_id", flat=True).get(pk=rsvp_id)
    with transaction.atomic():
        event = lock_event(event_id)
        rsvp = Rsvp.objects.get(pk=rsvp_id)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return rsvp
        if event.start <= timezone.now():
            raise ValidationError(STARTED, code="started")
        freed = rsvp.status == Rsvp.Status.CONFIRMED
        # waitlisted_at stays: their e-mail and the page say they left the waitlist
        # (Rsvp.left_waitlist); coming back sets it anew.
        Rsvp.objects.filter(pk=rsvp.pk).update(
            status=Rsvp.Status.CANCELLED,
            cancelled_at=timezone.now(),
            checked_in_at=None,
            version=F("version") + 1,
        )
        rsvp.refresh_from_db()
        _owe(rsvp, GuestMessage.Kind.RSVP_CANCELLED, f"cancelled:{rsvp.version}")
        if freed:
            _promote_next(event)
        purge_places_on_commit(event_id)
    return rsvp


def delete_rsvp(*, rsvp_id: int, delete=None) -> bool:
    """An administrator deletes an RSVP (a guest's erasure request): as on a
    cancellation, a confirmed guest's place goes to the first on the waitlist in the
    same transaction, who is told; the deleted guest is not (their row and messages
    are gone). Also once the event started (an erasure does not wait), when nobody is
    promoted. ``delete``: deletes the row, called under the event's lock (the admin's
    own, which logs it); by default a plain delete. False if there was no RSVP."""
    event_id = (
        Rsvp.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first()
    )
    if event_id is None:
        return False
    with transaction.atomic():
        event = lock_event(event_id)
        rsvp = Rsvp.objects.filter(pk=rsvp_id).first()
        if rsvp is None:
            return False
        freed = rsvp.status == Rsvp.Status.CONFIRMED
        (delete or rsvp.delete)()
        if freed:
            _promote_next(event)
        purge_places_on_commit(event_id)
    return True


def set_checked_in(*, event_id: int, rsvp_id: int, present: bool) -> bool:
    """Mark a confirmed guest of this event as arrived (or not). True if it changed."""
    rows = Rsvp.objects.filter(
        pk=rsvp_id, event_id=event_id, status=Rsvp.Status.CONFIRMED
    )
    if present:
        return bool(
            rows.filter(checked_in_at=None).update(checked_in_at=timezone.now())
        )
    return bool(rows.exclude(checked_in_at=None).update(checked_in_at=None))
