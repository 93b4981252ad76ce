"""Send queued deliveries: claim a batch, hand it to the provider, record what happened.

Delivery promise: at-least-once. A delivery is claimed (queued -> sending) in one
UPDATE before the provider call and marked sent after it. If a worker dies between the
two, the sweeper returns the claimed rows to the queue after MAILING_SENDING_TIMEOUT and
they are sent again: duplicates are possible only for the batches in flight at the crash
(at most MAILING_BATCH_SIZE x worker processes). A row marked sent is never sent again.
"""

import logging
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.mailings import throttle, transport
from campaigns.mailings.exceptions import TransientSendError
from campaigns.mailings.models import Delivery, Mailing, MailingRendition
from subscribers.tokens import preferences_url, unsubscribe_url

logger = logging.getLogger(__name__)


def claim_deliveries(*, mailing_id: int, limit: int) -> list[int]:
    """Move up to ``limit`` queued deliveries to sending; returns their ids. Race-free."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(mailing_id=mailing_id, status=Delivery.Status.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.SENDING,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
    return ids


def release_deliveries(ids: list[int]) -> None:
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, claimed_at=None
    )


@lru_cache(maxsize=64)
def _envelope(mailing_id: int, language: str, rendition_id: int) -> transport.Envelope:
    # Keyed by rendition id too, so a process never serves a stale snapshot.
    rendition = MailingRendition.objects.get(pk=rendition_id)
    mailing = Mailing.objects.get(pk=mailing_id)
    domain = settings.MESSAGE_ID_DOMAIN
    return transport.Envelope(
        mailing_id=mailing_id,
        subject=rendition.subject,
        html=rendition.html,
        text=rendition.text,
        list_id=f"{settings.WAGTAIL_SITE_NAME} <mailing-{mailing_id}.{domain}>",
        track_opens=mailing.track_opens,
        track_clicks=mailing.track_clicks,
    )


def envelopes_for(mailing_id: int) -> dict[str, transport.Envelope]:
    renditions = MailingRendition.objects.filter(mailing_id=mailing_id).values_list(
        "language", "pk"
    )
    return {
        language: _envelope(mailing_id, language, pk) for language, pk in renditions
    }


def load_recipients(
    ids: list[int], mailing_id: int
) -> dict[str, list[transport.Recipient]]:
    """Recipients of the claimed rows grouped by language; addresses decrypted in one query."""
    rows = Delivery.objects.filter(pk__in=ids).values_list(
        "pk", "language", "subscriber_id", "subscriber__email", "subscriber__name"
    )
    grouped: dict[str, list[transport.Recipient]] = {}
    for delivery_id, language, subscriber_id, email, name in rows:
        if subscriber_id is None:  # erased since the send started
            continue
        grouped.setdefault(language, []).append(
            transport.Recipient(
                delivery_id=delivery_id,
                email=email,
                name=name or "",
                unsubscribe_url=unsubscribe_url(subscriber_id, mailing_id=mailing_id),
                preferences_url=preferences_url(subscriber_id),
            )
        )
    return grouped


def record_result(result: transport.BatchResult) -> None:
    now = timezone.now()
    by_message_id: dict[str, list[int]] = {}
    for delivery_id, message_id in result.sent.items():
        by_message_id.setdefault(message_id, []).append(delivery_id)
    with transaction.atomic():
        for message_id, ids in by_message_id.items():
            Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.SENT,
                sent_at=now,
                esp_message_id=message_id[:255],
            )
        for delivery_id, reason in result.failed.items():
            Delivery.objects.filter(
                pk=delivery_id, status=Delivery.Status.SENDING
            ).update(status=Delivery.Status.FAILED, error=reason[:255])


def note_provider_failure(mailing_id: int, error: TransientSendError) -> bool:
    """Count a failed call; pause the mailing after too many in a row. True if paused."""
    Mailing.objects.filter(pk=mailing_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    threshold = settings.MAILING_PAUSE_AFTER_FAILURES
    probe_at = timezone.now() + timezone.timedelta(
        seconds=settings.MAILING_PROBE_INTERVAL
    )
    paused = Mailing.objects.filter(
        pk=mailing_id,
        status=Mailing.Status.SENDING,
        consecutive_failures__gte=threshold,
    ).update(
        status=Mailing.Status.PAUSED,
        paused_reason=f"provider failing: {error}"[:200],
        probe_at=probe_at,
    )
    if paused:
        logger.warning(
            "mailing %s paused after %s provider failures", mailing_id, threshold
        )
    return bool(paused)


def send_batch(*, mailing_id: int) -> int:
    """Send one batch of a sending mailing's queued deliveries; returns how many were claimed.

    Safe to run twice and in parallel: rows are claimed before they are sent.
    """
    mailing = (
        Mailing.objects.filter(pk=mailing_id).only("status", "lane", "send_by").first()
    )
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        return 0
    if mailing.send_by and timezone.now() > mailing.send_by:
        from .control import mark_stale

        mark_stale(mailing_id=mailing_id)
        return 0
    ids = claim_deliveries(
        mailing_id=mailing_id, limit=throttle.batch_size_for(mailing.lane)
    )
    if not ids:
        finish_if_done(mailing_id=mailing_id)
        return 0
    envelopes = envelopes_for(mailing_id)
    try:
        for language, recipients in load_recipients(ids, mailing_id).items():
            throttle.wait_for_capacity(mailing.lane, len(recipients))
            try:
                record_result(transport.send(envelopes[language], recipients))
            except TransientSendError as error:
                if error.partial is not None:
                    record_result(error.partial)
                raise
    except TransientSendError as error:
        release_deliveries(ids)
        note_provider_failure(mailing_id, error)
        raise
    except Exception:
        # A poison batch must not sit in "sending": give it back, then surface the error.
        release_deliveries(ids)
        raise
    # Rows of erased people were skipped: nothing to send to them any more.
    Delivery.objects.filter(
        pk__in=ids, status=Delivery.Status.SENDING, subscriber=None
    ).update(status=Delivery.Status.CANCELLED)
    Mailing.objects.filter(pk=mailing_id).update(
        consecutive_failures=0, last_progress_at=timezone.now()
    )
    return len(ids)


def lane_of(mailing_id: int) -> str:
    return Mailing.objects.values_list("lane", flat=True).get(pk=mailing_id)


def finish_if_done(*, mailing_id: int) -> bool:
    """Mark a mailing sent once nothing is queued or in flight."""
    busy = Delivery.objects.filter(
        mailing_id=mailing_id,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING],
    ).exists()
    if busy:
        return False
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, finished_at=timezone.now()
        )
    )
