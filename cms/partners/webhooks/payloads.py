"""The JSON a receiver gets: ``{"type", "timestamp", "data"}``, ids only, plus the
person for a confirmed signup on a list the key may export (built at send time, never
stored, and logged as a personal-data read)."""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from subscribers.models import Subscriber, Subscription

from ..models import ApiKey, EventType, PersonalDataRead, WebhookDelivery


def subscriber_id_for(key: ApiKey, subscriber_id: int) -> str:
    """The id a key's receiver knows a subscriber by: the same in each of that key's
    events, different for every key and never the row's own number, so two partners
    (or two keys) cannot join their events into one person's lists, nor count the
    platform's subscribers from it."""
    digest = hmac.new(
        settings.LOOKUP_HASH_KEY.encode(),
        f"partner-subscriber:{key.pk}:{subscriber_id}".encode(),
        hashlib.sha256,
    )
    return "sub_" + digest.hexdigest()[:32]


def _person(delivery: WebhookDelivery, key: ApiKey) -> dict | None:
    from ..selectors import person_data
    from ..services import log_personal_data_read

    exportable = set(delivery.data.get("lists") or []) & key.export_list_ids
    if not exportable:
        return None
    subscriber = Subscriber.objects.filter(pk=delivery.data.get("subscriber")).first()
    if subscriber is None:
        return None  # erased since
    still_on = sorted(
        subscriber.subscriptions.filter(
            mailing_list_id__in=exportable, status=Subscription.Status.CONFIRMED
        ).values_list("mailing_list_id", flat=True)
    )
    if not still_on:
        return None  # left the list since
    log_personal_data_read(
        api_key=key,
        list_id=still_on[0],
        channel=PersonalDataRead.Channel.WEBHOOK,
        records=1,
    )
    return {**person_data(subscriber), "id": subscriber_id_for(key, subscriber.pk)}


def body(delivery: WebhookDelivery, key: ApiKey) -> bytes:
    data = dict(delivery.data)
    if delivery.event_type == EventType.SUBSCRIPTION_CONFIRMED:
        if data.get("subscriber") is not None:
            data["subscriber"] = subscriber_id_for(key, data["subscriber"])
        person = _person(delivery, key)
        if person is not None:
            data["person"] = person
    payload = {
        "type": delivery.event_type,
        "timestamp": delivery.occurred_at.isoformat(),
        "data": data,
    }
    return json.dumps(
        payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()
