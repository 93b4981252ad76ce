"""Apply a provider's tracking events to deliveries, once each.

The anymail webhook view has already checked the shared secret and the provider's
signature. Storing the event (unique on the provider's event id) and applying it happen
in one short transaction of indexed writes, so a replay is a no-op and a hard bounce or
complaint is suppressed before the provider gets its 200.
"""

import logging
from datetime import UTC, datetime, timedelta

from anymail.signals import AnymailTrackingEvent, EventType
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing, TrackingEvent
from cms.accesslog import redact
from subscribers import crypto
from subscribers.models import Subscriber, Suppression

logger = logging.getLogger(__name__)

# Delivery status each event moves to, and the timestamp it sets.
STATUS_EVENTS = {
    EventType.DELIVERED: (Delivery.Status.DELIVERED, "delivered_at"),
    EventType.BOUNCED: (Delivery.Status.BOUNCED, "bounced_at"),
    EventType.REJECTED: (Delivery.Status.FAILED, None),
    EventType.COMPLAINED: (Delivery.Status.COMPLAINED, "complained_at"),
}
ENGAGEMENT_EVENTS = {
    EventType.OPENED: ("track_opens", "opened_at"),
    EventType.CLICKED: ("track_clicks", "clicked_at"),
}
SUPPRESSING_EVENTS = {
    EventType.BOUNCED: Suppression.Reason.HARD_BOUNCE,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINT,
}
# A delivered event never overwrites a worse outcome that arrived first.
FINAL_STATUSES = {
    Delivery.Status.BOUNCED,
    Delivery.Status.COMPLAINED,
    Delivery.Status.FAILED,
}


def find_delivery(event: AnymailTrackingEvent) -> Delivery | None:
    delivery_id = (event.metadata or {}).get("delivery_id")
    if delivery_id not in (None, ""):
        try:
            delivery_id = int(delivery_id)
        except (TypeError, ValueError, OverflowError):
            return None
        if not 0 < delivery_id < 2**63:  # past the column's range: no such row
            return None
        return Delivery.objects.filter(pk=delivery_id).first()
    if event.message_id and event.recipient:
        return (
            Delivery.objects.filter(
                esp_message_id=event.message_id,
                subscriber__email_hash=crypto.lookup_hash(event.recipient),
            )
            .order_by("-pk")
            .first()
        )
    return None


def is_stale(event: AnymailTrackingEvent) -> bool:
    if event.timestamp is None:
        return False
    age = timezone.now() - event.timestamp
    return age > timedelta(seconds=settings.TRACKING_MAX_EVENT_AGE) or age < timedelta(
        minutes=-5
    )


def _text(value) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    # PostgreSQL text cannot hold NUL, and no provider sends one: a body that does
    # would fail the insert (a 500) instead of being stored or ignored.
    return value.replace("\x00", "") or None


def normalise_event(event: AnymailTrackingEvent) -> AnymailTrackingEvent:
    """The event with every field this module reads in the type it expects; a
    provider (or a forger with the secret) may put anything in a JSON body."""
    event.event_id = _text(event.event_id)
    event.recipient = _text(event.recipient)
    event.message_id = _text(event.message_id)
    event.description = _text(event.description)
    if not isinstance(event.metadata, dict):
        event.metadata = {}
    if not isinstance(event.timestamp, datetime):
        event.timestamp = None
    elif timezone.is_naive(event.timestamp):
        event.timestamp = timezone.make_aware(event.timestamp, UTC)
    else:
        # In UTC: a parsed offset may be any up to 23:59, and PostgreSQL stores
        # none past 15:59 (the insert failed, a 500 the provider retried).
        event.timestamp = event.timestamp.astimezone(UTC)
    if event.event_type == EventType.BOUNCED and is_soft_bounce(event.esp_event):
        # A full mailbox or a server down for the night: the provider tries again.
        event.event_type = EventType.DEFERRED
    if not event.event_id and event.message_id and event.recipient:
        event.event_id = derived_event_id(event)
    return event


def is_soft_bounce(esp_event) -> bool:
    """The provider's own word that a bounce was temporary. anymail reports Postmark's
    SoftBounce, Brevo's soft_bounce, Amazon SES's Transient and Undetermined bounces,
    SparkPost's classes other than invalid recipient and Mailjet's bounces without
    hard_bounce as "bounced", like a hard one (Mailgun's
    temporary failures it already reports as "deferred")."""
    if not isinstance(esp_event, dict):
        return False
    if esp_event.get("Type") == "SoftBounce":  # Postmark
        return True
    if esp_event.get("event") == "soft_bounce":  # Brevo
        return True
    bounce = esp_event.get("bounce")  # Amazon SES
    if isinstance(bounce, dict) and "bounceType" in bounce:
        return bounce["bounceType"] != "Permanent"
    sparkpost = esp_event.get("msys")
    if isinstance(sparkpost, dict) and isinstance(
        message := sparkpost.get("message_event"), dict
    ):
        return str(message.get("bounce_class", "")) not in SPARKPOST_HARD_BOUNCES
    # Mailjet
    return esp_event.get("event") == "bounce" and esp_event.get("hard_bounce") is False


# SparkPost's bounce classes that say the address itself is bad (invalid recipient,
# no such recipient); the others are a full mailbox, a timeout, a block by the
# receiving server or an unclassified answer: the address may work tomorrow.
SPARKPOST_HARD_BOUNCES = {"10", "30"}


def derived_event_id(event: AnymailTrackingEvent) -> str:
    """An id for a provider that gives none (Brevo, Mailjet, Mandrill): one event of
    a kind per message and recipient, so a retried call is applied once. The
    recipient goes in as its keyed hash: the stored id names nobody."""
    recipient = crypto.lookup_hash(event.recipient)
    return f"{event.event_type}:{recipient}:{event.message_id}"[:255]


def record_tracking_event(event: AnymailTrackingEvent) -> bool:
    """Store and apply one event; False for replays, stale or unusable events."""
    event = normalise_event(event)
    if not event.event_id or event.event_type not in {
        *STATUS_EVENTS,
        *ENGAGEMENT_EVENTS,
    }:
        return False
    if is_stale(event):
        logger.warning("tracking event %s ignored: stale timestamp", event.event_id)
        return False
    try:
        with transaction.atomic():
            delivery = find_delivery(event)
            TrackingEvent.objects.create(
                esp_event_id=event.event_id[:255],
                event_type=event.event_type,
                delivery=delivery,
                occurred_at=event.timestamp or timezone.now(),
                processed=True,
            )
            if delivery is not None:
                apply_to_delivery(delivery, event)
            suppress_if_needed(event, delivery)
    except IntegrityError:
        return False  # seen before: replays are applied once
    return True


def apply_to_delivery(delivery: Delivery, event: AnymailTrackingEvent) -> None:
    when = event.timestamp or timezone.now()
    if event.event_type in STATUS_EVENTS:
        status, stamp = STATUS_EVENTS[event.event_type]
        updates = {"status": status}
        if stamp:
            updates[stamp] = when
        if event.event_type == EventType.REJECTED:
            # Providers often quote the address in the reason: never stored in clear.
            reason = redact(event.description or "") or "rejected by provider"
            updates["error"] = reason[:255]
        rows = Delivery.objects.filter(pk=delivery.pk)
        if status == Delivery.Status.DELIVERED:
            rows = rows.exclude(status__in=FINAL_STATUSES)
        rows.update(**updates)
        return
    flag, stamp = ENGAGEMENT_EVENTS[event.event_type]
    if getattr(Mailing.objects.only(flag).get(pk=delivery.mailing_id), flag):
        Delivery.objects.filter(pk=delivery.pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: when}
        )


def suppress_if_needed(event: AnymailTrackingEvent, delivery: Delivery | None) -> None:
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None:
        return
    if event.recipient:
        email_hash = crypto.lookup_hash(event.recipient)
    elif delivery is not None and delivery.subscriber_id:
        email_hash = Subscriber.objects.values_list("email_hash", flat=True).get(
            pk=delivery.subscriber_id
        )
    else:
        return
    Suppression.objects.get_or_create(
        email_hash=email_hash, defaults={"reason": reason}
    )
