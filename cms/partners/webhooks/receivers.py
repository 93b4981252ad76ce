"""Domain events of the other apps become webhook deliveries, after their commit.

The apps send signals (or Wagtail does); this module, the higher floor, listens, so
subscribers, campaigns and events never import the partner code. Each receiver first
asks the memoised endpoint list whether anyone listens, so an event nobody subscribed
to costs nothing. ``robust`` on-commit callbacks: a webhook problem never turns an
already committed signup into an error page.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published

from campaigns.signals import milestone_reached, signature_counted
from events.signals import rsvp_confirmed
from subscribers.signals import subscriptions_confirmed

from ..models import ApiKey, EventType, WebhookEndpoint
from . import services


def _later(**event) -> None:
    transaction.on_commit(lambda: services.record_event(**event), robust=True)


def on_subscriptions_confirmed(sender, *, subscriber_id: int, list_ids, **kwargs):
    if not services.listening(EventType.SUBSCRIPTION_CONFIRMED):
        return
    lists = sorted(list_ids)
    _later(
        event_type=EventType.SUBSCRIPTION_CONFIRMED,
        event_key=f"subscription.confirmed:{subscriber_id}:{_token()}",
        data={"subscriber": subscriber_id, "lists": lists},
        list_ids=lists,
    )


def _token() -> str:
    # A confirmation happens once per transition to confirmed: each is its own event.
    import uuid

    return uuid.uuid4().hex


def on_signature_counted(
    sender, *, campaign_id: int, signature_id: int, page_id=None, **kwargs
):
    if not services.listening(EventType.SIGNATURE_COUNTED):
        return
    _later(
        event_type=EventType.SIGNATURE_COUNTED,
        event_key=f"signature.counted:{signature_id}",
        data={"campaign": campaign_id, "petition": page_id, "signature": signature_id},
        campaign_id=campaign_id,
    )


def on_milestone_reached(sender, *, milestone_id: int, campaign_id: int, **kwargs):
    if not services.listening(EventType.MILESTONE_REACHED):
        return

    def record():
        from campaigns.models import Milestone

        milestone = Milestone.objects.filter(pk=milestone_id).first()
        if milestone is None:
            return
        services.record_event(
            event_type=EventType.MILESTONE_REACHED,
            event_key=f"milestone.reached:{milestone_id}",
            data={
                "campaign": campaign_id,
                "milestone": milestone_id,
                "counter": milestone.counter,
                "threshold": milestone.threshold,
                "reached_at": milestone.reached_at.isoformat(),
            },
            campaign_id=campaign_id,
        )

    transaction.on_commit(record, robust=True)


def on_rsvp_confirmed(sender, *, rsvp_id, event_id, **kwargs):
    if not services.listening(EventType.RSVP_CONFIRMED):
        return
    # Unique per RSVP: a waitlisted guest promoted later is announced then, once.
    _later(
        event_type=EventType.RSVP_CONFIRMED,
        event_key=f"rsvp.confirmed:{rsvp_id}",
        data={"event": event_id, "attendance": rsvp_id},
        event_id=event_id,
    )


def on_event_published(sender, *, instance, **kwargs):
    if not (
        services.listening(EventType.EVENT_UPDATED)
        or services.listening(EventType.EVENT_CANCELLED)
    ):
        return

    def record():
        canonical = instance.canonical()
        canonical.refresh_from_db(fields=["ical_sequence", "cancelled"])
        if canonical.cancelled:
            event_type, event_key = (
                EventType.EVENT_CANCELLED,
                f"event.cancelled:{canonical.pk}",
            )
        elif canonical.ical_sequence:
            # SEQUENCE rises with each published change of time, place, title or
            # description (in every translation at once for alerts' updates), so all
            # the translations published together make one event.
            event_type, event_key = (
                EventType.EVENT_UPDATED,
                f"event.updated:{canonical.pk}:{canonical.ical_sequence}",
            )
        else:
            return  # a first publish is not an update
        services.record_event(
            event_type=event_type,
            event_key=event_key,
            data={
                "event": canonical.pk,
                "sequence": canonical.ical_sequence,
                "cancelled": canonical.cancelled,
            },
            event_id=canonical.pk,
        )

    transaction.on_commit(record, robust=True)


def forget_endpoints(sender, **kwargs):
    services.forget_endpoints()


def connect() -> None:
    from events.models import EventPage

    subscriptions_confirmed.connect(
        on_subscriptions_confirmed, dispatch_uid="partners.subscriptions_confirmed"
    )
    signature_counted.connect(
        on_signature_counted, dispatch_uid="partners.signature_counted"
    )
    milestone_reached.connect(
        on_milestone_reached, dispatch_uid="partners.milestone_reached"
    )
    rsvp_confirmed.connect(on_rsvp_confirmed, dispatch_uid="partners.rsvp")
    page_published.connect(
        on_event_published, sender=EventPage, dispatch_uid="partners.event_published"
    )
    for signal, sender in (
        (post_save, WebhookEndpoint),
        (post_delete, WebhookEndpoint),
        (post_save, ApiKey),
        (m2m_changed, ApiKey.lists.through),
        (m2m_changed, ApiKey.export_lists.through),
        (m2m_changed, ApiKey.campaigns.through),
        (m2m_changed, ApiKey.events.through),
    ):
        signal.connect(
            forget_endpoints,
            sender=sender,
            dispatch_uid=f"partners.forget.{id(signal)}.{sender.__name__}",
        )
