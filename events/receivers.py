"""Signal receivers of events: a published source event keeps its translations'
facts in step and tells its guests what changed."""

from django.db import transaction
from wagtail.signals import page_published


def event_page_published(sender, instance, **kwargs) -> None:
    from events import notices

    if instance.source_or_none() is not None:
        return  # a translation: its facts come from the source page
    # In the publish's own transaction, so no language shows the old facts after it.
    notices.sync_translations(instance)
    event_id = instance.pk
    transaction.on_commit(lambda: notices.event_published(event_id=event_id))
    # The page cache: cms.receivers purges the event in every language, its listings.


def forget_memoised_events(sender, **kwargs) -> None:
    """A published, unpublished, deleted or restricted page is seen at once, in every
    process that shares the cache."""
    from events.selectors import forget_public_events

    forget_public_events()


def free_erased_places(sender, *, email_hash: str, **kwargs) -> None:
    """A person erased themselves (or was erased): the places they held at upcoming
    events go to those events' waitlists, as a cancellation's would (nobody is told
    about the erased RSVP: its row and its messages are gone), and the places left
    shown are purged. After the erasure commits; its answer does not wait on it.
    Sent inside the erasure's transaction, before its deletes."""
    from events.models import Rsvp

    event_ids = sorted(
        set(
            Rsvp.objects.filter(
                email_hash=email_hash, status=Rsvp.Status.CONFIRMED
            ).values_list("event_id", flat=True)
        )
    )
    # The deletes that follow lower each event's count (its places row) in the order
    # of the RSVP ids, which is the order the person RSVPed in: two erasures at once,
    # of people who RSVPed to the same events in another order, would each hold one
    # row and wait for the other's. Locked here first, in one order for everybody.
    # (PostgreSQL; SQLite locks the whole database for a write transaction.)
    _lock_places(event_ids)
    _give_places_on_after_commit(event_ids)


def _lock_places(event_ids: list[int]) -> None:
    """Lock the events' places rows in one order for everybody (see above)."""
    from events.models import EventPlaces

    list(
        EventPlaces.objects.select_for_update()
        .filter(event_id__in=event_ids)
        .order_by("event_id")
        .values_list("event_id", flat=True)
    )


def _give_places_on_after_commit(event_ids: list[int]) -> None:
    """Places freed at these events go to their waitlists after the commit, and the
    places left shown are purged."""
    from events.rsvps import fill_free_places, purge_places

    def give_the_places_on():
        for event_id in event_ids:
            if not fill_free_places(event_id=event_id):
                purge_places(event_id)  # (a promotion purges them itself)

    if event_ids:
        transaction.on_commit(give_the_places_on, robust=True)


# Which of two RSVPs of one person to one event is kept: the one that holds the most.
_KEEP_ORDER = {"confirmed": 0, "waitlisted": 1, "pending": 2, "cancelled": 3}


def settle_readdressed_rsvps(
    sender, *, old_hash: str, email_hash: str, **kwargs
) -> None:
    """A person moving to an address that has RSVPed to an event they had RSVPed to
    as well keeps one RSVP there (one per guest per event): the one that holds the
    most (a place, then a place in the waitlist, then one awaiting its link, then a
    cancellation); between two places in the waitlist the earlier; otherwise the
    new address's, whose messages are in the mailbox the person now reads. The other
    is deleted: a place it held goes to the waitlist after the commit, as an
    erasure's does, so the places count stays the rows that hold one. Sent inside
    the address change's transaction, before the old address's RSVPs are re-filed."""
    from events.models import Rsvp

    rows = Rsvp.objects.filter(email_hash__in=[old_hash, email_hash]).only(
        "pk", "event_id", "email_hash", "status", "waitlisted_at"
    )
    by_event: dict[int, list] = {}
    for rsvp in rows:
        by_event.setdefault(rsvp.event_id, []).append(rsvp)
    doubles = sorted(event_id for event_id, pair in by_event.items() if len(pair) > 1)
    if not doubles:
        return
    _lock_places(doubles)
    dropped, freed = [], []
    for event_id in doubles:
        pair = sorted(
            by_event[event_id],
            key=lambda rsvp: (
                _KEEP_ORDER.get(rsvp.status, 9),
                rsvp.waitlisted_at.timestamp()
                if rsvp.status == Rsvp.Status.WAITLISTED and rsvp.waitlisted_at
                else 0,
                rsvp.email_hash != email_hash,
            ),
        )
        for loser in pair[1:]:
            dropped.append(loser.pk)
            if loser.status == Rsvp.Status.CONFIRMED:
                freed.append(event_id)
    Rsvp.objects.filter(pk__in=dropped).delete()
    _give_places_on_after_commit(sorted(set(freed)))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_unpublished

    from events.models import EventPage
    from subscribers.signals import person_erasing, person_readdressing

    page_published.connect(
        event_page_published, sender=EventPage, dispatch_uid="events-page-published"
    )
    person_erasing.connect(free_erased_places, dispatch_uid="events-person-erasing")
    person_readdressing.connect(
        settle_readdressed_rsvps, dispatch_uid="events-person-readdressing"
    )
    for signal, sender in (
        (page_published, None),
        (page_unpublished, None),
        (post_delete, Page),
        (post_save, PageViewRestriction),
        (post_delete, PageViewRestriction),
    ):
        signal.connect(
            forget_memoised_events,
            sender=sender,
            dispatch_uid=f"events.forget_public_events.{id(signal)}.{id(sender)}",
        )
