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


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_unpublished

    from events.models import EventPage

    page_published.connect(
        event_page_published, sender=EventPage, dispatch_uid="events-page-published"
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
