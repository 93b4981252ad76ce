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
    from events.models import EventPlaces, Rsvp
    from events.rsvps import fill_free_places, purge_places

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
    list(
        EventPlaces.objects.select_for_update()
        .filter(event_id__in=event_ids)
        .order_by("event_id")
        .values_list("event_id", flat=True)
    )

    def give_the_places_on():
        for event_id in event_ids:
            if not fill_free_places(event_id=event_id):
                purge_places(event_id)  # (a promotion purges them itself)

    if event_ids:
        transaction.on_commit(give_the_places_on, robust=True)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_unpublished

    from events.models import EventPage
    from subscribers.signals import person_erasing

    page_published.connect(
        event_page_published, sender=EventPage, dispatch_uid="events-page-published"
    )
    person_erasing.connect(free_erased_places, dispatch_uid="events-person-erasing")
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
