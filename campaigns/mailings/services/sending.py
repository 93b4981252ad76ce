"""Send queued deliveries: claim a batch, hand it to the provider, record what happened.

Delivery promise: at-least-once. A delivery is claimed (queued -> sending) in one
UPDATE before the provider call and marked sent after it. If a worker dies between the
two, the sweeper returns the claimed rows to the queue after MAILING_SENDING_TIMEOUT and
they are sent again: duplicates are possible only for the batches in flight at the crash
(at most MAILING_BATCH_SIZE x worker processes). A row marked sent is never sent again.
"""

import logging
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.mailings import identity, throttle, transport
from campaigns.mailings.exceptions import TransientSendError
from campaigns.mailings.models import (
    PROVIDER_FAILING,
    Delivery,
    Mailing,
    MailingRendition,
)
from campaigns.mailings.selectors import lists_reaching
from campaigns.mailings.services.starting import render_pending
from cms.email.rendering import reader_reason
from subscribers.tokens import preferences_url, unsubscribe_url

logger = logging.getLogger(__name__)


def claim_deliveries(*, mailing_id: int, limit: int) -> str | None:
    """Move up to ``limit`` queued deliveries to sending in one statement.

    Returns the batch token that marks the claimed rows, or None if nothing was queued.
    SKIP LOCKED lets parallel workers claim disjoint batches without waiting. Rows of
    a language whose rendition is still pending (starting.hold_for_later) wait for it.
    """
    token = uuid.uuid4().hex
    table = Delivery._meta.db_table
    renditions = MailingRendition._meta.db_table
    lock = (
        " FOR UPDATE SKIP LOCKED"
        if connection.features.has_select_for_update_skip_locked
        else ""
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, batch_token = %s, "  # noqa: S608 - no user input in the SQL text
            f"attempts = attempts + 1 WHERE id IN (SELECT id FROM {table} "
            f"WHERE mailing_id = %s AND status = %s AND language NOT IN "
            f"(SELECT language FROM {renditions} WHERE mailing_id = %s AND html = '') "
            f"ORDER BY id LIMIT %s{lock})",
            [
                Delivery.Status.SENDING,
                timezone.now(),
                token,
                mailing_id,
                Delivery.Status.QUEUED,
                mailing_id,
                limit,
            ],
        )
        claimed = cursor.rowcount
    return token if claimed else None


def release_deliveries(token: str) -> None:
    Delivery.objects.filter(batch_token=token, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, claimed_at=None
    )


def envelopes_for(mailing: Mailing) -> dict[str, transport.Envelope]:
    """The mailing's rendered languages, loaded per batch: one query, no process cache,
    so a worker can never serve a snapshot that a restored database has reused ids for."""
    list_id = identity.list_id_for(mailing)
    tag = identity.message_id_tag(mailing)
    renditions = (
        MailingRendition.objects.filter(mailing_id=mailing.pk)
        .exclude(html="")
        .values_list("language", "subject", "html", "text", "content_language")
    )
    return {
        language: transport.Envelope(
            mailing_id=mailing.pk,
            subject=subject,
            html=html,
            text=text,
            list_id=list_id,
            track_opens=mailing.track_opens,
            track_clicks=mailing.track_clicks,
            language=language,
            content_language=content_language,
            message_id_tag=tag,
        )
        for language, subject, html, text, content_language in renditions
    }


def load_recipients(
    token: str, mailing_id: int
) -> dict[str, list[transport.Recipient]]:
    """Recipients of one claimed batch by language; addresses decrypted in one query,
    the lists that reach them (named in the footer) in two more."""
    rows = Delivery.objects.filter(batch_token=token).values_list(
        "pk",
        "language",
        "subscriber_id",
        "subscriber__email",
        "subscriber__name",
        "subscriber__link_generation",
    )
    rows = list(rows)
    reaching = lists_reaching(
        mailing_id=mailing_id, subscriber_ids={row[2] for row in rows if row[2]}
    )
    grouped: dict[str, list[transport.Recipient]] = {}
    for delivery_id, language, subscriber_id, email, name, generation in rows:
        if subscriber_id is None:  # erased since the send started
            continue
        grouped.setdefault(language, []).append(
            transport.Recipient(
                delivery_id=delivery_id,
                email=email,
                name=name or "",
                unsubscribe_url=unsubscribe_url(
                    subscriber_id, mailing_id=mailing_id, language=language
                ),
                preferences_url=preferences_url(
                    subscriber_id, generation=generation, language=language
                ),
                reason=reader_reason(reaching.get(subscriber_id, []), language),
            )
        )
    return grouped


def record_result(
    token: str, language: str, result: transport.BatchResult, *, complete: bool = True
) -> None:
    """Mark one language group of a batch sent or failed; the provider has it already,
    so a database that went away (a restart, a failover) is waited for, not given up on.

    Given up on, the rows would stay "sending", be swept back to the queue and mailed a
    second time. The write is tried again on a new connection for up to
    MAILING_SENDING_TIMEOUT seconds; rows the sweeper re-queued meanwhile but nobody
    claimed again still carry this batch's token and are marked too.
    """
    deadline = time.monotonic() + settings.MAILING_SENDING_TIMEOUT
    pause = 0.5
    while True:
        try:
            _record_result(token, language, result, complete=complete)
            return
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning(
                "recording a sent batch failed (%s): trying again in %.1fs",
                type(error).__name__,
                pause,
            )
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _record_result(
    token: str, language: str, result: transport.BatchResult, *, complete: bool
) -> None:
    """Mark one language group of a batch sent or failed, in as few UPDATEs as possible.

    ``complete`` says the result covers every row of the group; a partial result (the
    relay failed halfway) marks only the rows it names.
    """
    now = timezone.now()
    # A row still claimed by this batch, or swept back to the queue and not claimed
    # again (a new claim gives it a new token).
    ours = [Delivery.Status.SENDING, Delivery.Status.QUEUED]
    by_message_id: dict[str, list[int]] = {}
    for delivery_id, message_id in result.sent.items():
        by_message_id.setdefault(message_id, []).append(delivery_id)
    with transaction.atomic():
        for delivery_id, reason in result.failed.items():
            Delivery.objects.filter(
                pk=delivery_id, batch_token=token, status__in=ours
            ).update(status=Delivery.Status.FAILED, error=reason[:255])
        in_flight = Delivery.objects.filter(
            batch_token=token, language=language, status__in=ours
        )
        if complete and len(by_message_id) == 1 and not result.failed:
            # The usual case: one provider call, one id for all, no id list to send.
            (message_id,) = by_message_id
            in_flight.update(
                status=Delivery.Status.SENT,
                sent_at=now,
                esp_message_id=message_id[:255],
            )
            return
        for message_id, ids in by_message_id.items():
            in_flight.filter(pk__in=ids).update(
                status=Delivery.Status.SENT,
                sent_at=now,
                esp_message_id=message_id[:255],
            )


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
        paused_reason=f"{PROVIDER_FAILING}{error}"[:200],
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
        Mailing.objects.filter(pk=mailing_id)
        .only("status", "lane", "send_by", "track_opens", "track_clicks")
        .first()
    )
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        return 0
    if mailing.send_by and timezone.now() > mailing.send_by:
        from .control import mark_stale

        mark_stale(mailing_id=mailing_id)
        return 0
    token = claim_deliveries(
        mailing_id=mailing_id, limit=throttle.batch_size_for(mailing.lane)
    )
    if token is None and render_pending(mailing_id=mailing_id):
        # Only languages still to be rendered were left (the batch that renders them
        # is in flight elsewhere, or died with its worker): rendered here.
        token = claim_deliveries(
            mailing_id=mailing_id, limit=throttle.batch_size_for(mailing.lane)
        )
    if token is None:
        finish_if_done(mailing_id=mailing_id)
        return 0
    envelopes = envelopes_for(mailing)
    handled = 0
    try:
        for language, recipients in load_recipients(token, mailing_id).items():
            throttle.wait_for_capacity(mailing.lane, len(recipients))
            try:
                record_result(
                    token, language, transport.send(envelopes[language], recipients)
                )
            except TransientSendError as error:
                if error.partial is not None:
                    record_result(token, language, error.partial, complete=False)
                raise
            handled += len(recipients)
    except TransientSendError as error:
        release_deliveries(token)
        note_provider_failure(mailing_id, error)
        raise
    except Exception as error:  # noqa: BLE001 - a crash of any kind may be one poison row
        # A poison batch must not sit in "sending", nor block its innocent neighbours:
        # send the rest one by one, and give up on a row after POISON_MAX_ATTEMPTS.
        try:
            handled += isolate_poison(token, mailing_id, envelopes, error)
        except Exception:
            release_deliveries(token)
            raise
    # Rows of people erased since the start: nothing to send to them any more.
    Delivery.objects.filter(
        batch_token=token, status=Delivery.Status.SENDING, subscriber=None
    ).update(status=Delivery.Status.CANCELLED)
    Mailing.objects.filter(pk=mailing_id).update(
        consecutive_failures=0, last_progress_at=timezone.now()
    )
    # The start rendered only the language with the most readers: the others are
    # rendered once its first batch is with the provider.
    render_pending(mailing_id=mailing_id)
    return max(handled, 1)


POISON_MAX_ATTEMPTS = 3


def isolate_poison(
    token: str, mailing_id: int, envelopes: dict, error: Exception
) -> int:
    """After a batch crashed: send its unsent rows one at a time; a row that crashes
    alone goes back to the queue, or is quarantined (failed) after its third try."""
    logger.warning(
        "batch of mailing %s crashed (%s): isolating", mailing_id, type(error).__name__
    )
    handled = 0
    for language, recipients in load_recipients(token, mailing_id).items():
        unsent = set(
            Delivery.objects.filter(
                batch_token=token, status=Delivery.Status.SENDING
            ).values_list("pk", flat=True)
        )
        for recipient in recipients:
            if recipient.delivery_id not in unsent:
                continue
            try:
                result = transport.send(envelopes[language], [recipient])
            except TransientSendError:
                release_deliveries(token)
                raise
            except Exception as single:  # noqa: BLE001 - any crash makes the row suspect
                _quarantine_or_release(recipient.delivery_id, single)
                continue
            # Row by row: record_result would mark the whole batch's rows sent.
            for delivery_id, reason in result.failed.items():
                Delivery.objects.filter(
                    pk=delivery_id, status=Delivery.Status.SENDING
                ).update(status=Delivery.Status.FAILED, error=reason[:255])
            for delivery_id, message_id in result.sent.items():
                Delivery.objects.filter(
                    pk=delivery_id, status=Delivery.Status.SENDING
                ).update(
                    status=Delivery.Status.SENT,
                    sent_at=timezone.now(),
                    esp_message_id=message_id[:255],
                )
            handled += 1
    return handled


def _quarantine_or_release(delivery_id: int, error: Exception) -> None:
    rows = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING)
    quarantined = rows.filter(attempts__gte=POISON_MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED,
        error=f"quarantined after {POISON_MAX_ATTEMPTS} tries: {type(error).__name__}",
    )
    if quarantined:
        logger.error("delivery %s quarantined: %s", delivery_id, type(error).__name__)
    else:
        rows.update(status=Delivery.Status.QUEUED, claimed_at=None)


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
