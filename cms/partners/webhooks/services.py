"""Recording events for partner endpoints and delivering them, with retries.

The request that causes an event only inserts delivery rows (ids, no personal data)
after its own transaction commits, and hands their ids to the broker: it never waits
for a receiver. A worker sends each delivery (claimed with a conditional UPDATE, so
twice-queued never means twice-sent), and failures wait in the row for their next
attempt, which beat queues (no long Celery countdowns, see DESIGN.md). A receiver
that cannot be reached pauses its endpoint, so its backlog waits instead of holding
workers on timeouts. Delivery is at-least-once: a worker lost between the POST and
marking it sent means the receiver sees that webhook-id again.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from cms.celery import publish

from ..models import WebhookDelivery, WebhookEndpoint
from . import payloads, signing

logger = logging.getLogger(__name__)

# Endpoints change rarely and events are hot (a petition burst): each process keeps the
# list a few seconds; a change made in this process clears it at once (receivers.py).
MEMO_SECONDS = 5.0
_memo: dict[str, tuple[float, list]] = {}
_memo_lock = threading.Lock()
Status = WebhookDelivery.Status
CLOCK_SKEW = timedelta(seconds=2)


@dataclass(frozen=True)
class Listener:
    endpoint_id: int
    event_types: frozenset[str]
    list_ids: frozenset[int]
    campaign_ids: frozenset[int]
    event_ids: frozenset[int]
    paused_until: object = None  # a datetime while its receiver is unreachable


def _listeners() -> list[Listener]:
    now = time.monotonic()
    cached = _memo.get("listeners")
    if cached is not None and now - cached[0] < MEMO_SECONDS:
        return cached[1]
    endpoints = (
        WebhookEndpoint.objects.filter(active=True, api_key__revoked_at=None)
        .select_related("api_key")
        .prefetch_related("api_key__lists", "api_key__campaigns", "api_key__events")
    )
    listeners = [
        Listener(
            endpoint_id=endpoint.pk,
            event_types=frozenset(endpoint.event_types or []),
            list_ids=frozenset(item.pk for item in endpoint.api_key.lists.all()),
            campaign_ids=frozenset(
                item.pk for item in endpoint.api_key.campaigns.all()
            ),
            event_ids=frozenset(item.pk for item in endpoint.api_key.events.all()),
            paused_until=endpoint.paused_until,
        )
        for endpoint in endpoints
    ]
    with _memo_lock:
        _memo["listeners"] = (now, listeners)
    return listeners


def forget_endpoints() -> None:
    """Drop this process's memoised endpoints (after a change, or between tests)."""
    with _memo_lock:
        _memo.clear()


def listening(event_type: str) -> bool:
    """True when some endpoint takes this type of event (cheap: memoised)."""
    return any(event_type in item.event_types for item in _listeners())


def _in_scope(listener: Listener, *, list_ids, campaign_id, event_id) -> bool:
    if list_ids is not None:
        return bool(listener.list_ids & set(list_ids))
    if campaign_id is not None:
        return campaign_id in listener.campaign_ids
    if event_id is not None:
        return event_id in listener.event_ids
    return False


def record_event(
    *,
    event_type: str,
    event_key: str,
    data: dict,
    list_ids: list[int] | None = None,
    campaign_id: int | None = None,
    event_id: int | None = None,
) -> list[int]:
    """One delivery per endpoint that listens to this type within its key's scope
    (recording the same event twice adds nothing), queued at once; returns their ids.

    ``data`` holds ids only; ``list_ids`` is narrowed to each key's own lists.
    """
    matching = [
        listener
        for listener in _listeners()
        if event_type in listener.event_types
        and _in_scope(
            listener, list_ids=list_ids, campaign_id=campaign_id, event_id=event_id
        )
    ]
    if not matching:
        return []
    now = timezone.now()
    rows, waiting = [], set()
    for listener in matching:
        # A receiver known to be unreachable: its deliveries wait unqueued for the
        # beat sweep after the pause, instead of each costing a worker a round trip.
        paused = listener.paused_until is not None and listener.paused_until > now
        if paused:
            waiting.add(listener.endpoint_id)
        payload = dict(data)
        if list_ids is not None:
            payload["lists"] = sorted(listener.list_ids & set(list_ids))
        rows.append(
            WebhookDelivery(
                endpoint_id=listener.endpoint_id,
                event_type=event_type,
                event_key=event_key,
                message_id=f"msg_{uuid.uuid4().hex}",
                data=payload,
                occurred_at=now,
                created_at=now,
                # Stamped queued at insert: the publish below releases the stamp if
                # the broker is down, and the beat sweep looks for exactly that.
                queued_at=None if paused else now,
                next_attempt_at=listener.paused_until if paused else now,
            )
        )
    inserted = _insert_new(rows)
    for delivery_id, endpoint_id in inserted:
        if endpoint_id not in waiting and not _publish(delivery_id, now):
            break
    return [delivery_id for delivery_id, _endpoint in inserted]


def _insert_new(rows: list[WebhookDelivery]) -> list[tuple[int, int]]:
    """Insert the deliveries an event does not have yet, in one statement; their
    (id, endpoint id) pairs.

    ``ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite 3.35+): a second
    recording of the same event inserts and returns nothing, with no error to recover
    from and one round trip on a hot path (a burst of signatures).
    """
    fields = [
        field
        for field in WebhookDelivery._meta.concrete_fields
        if not field.primary_key
    ]
    quote = connection.ops.quote_name
    values, params = [], []
    for row in rows:
        values.append("(" + ", ".join(["%s"] * len(fields)) + ")")
        params += [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for field in fields
        ]
    sql = (
        f"INSERT INTO {quote(WebhookDelivery._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join(values)} "
        "ON CONFLICT (endpoint_id, event_key) DO NOTHING RETURNING id, endpoint_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(row[0]), int(row[1])) for row in cursor.fetchall()]


def _publish(delivery_id: int, stamp) -> bool:
    from cms.partners.tasks import send_webhook_task

    def release():
        WebhookDelivery.objects.filter(pk=delivery_id, queued_at=stamp).update(
            queued_at=None
        )

    return publish(send_webhook_task, delivery_id, on_failure=release)


def queue_deliveries(delivery_ids: list[int]) -> int:
    """Hand deliveries to the broker, each once (claimed by a conditional UPDATE);
    with the broker down they stay unqueued for the beat sweep. Returns how many."""
    queued = 0
    for delivery_id in delivery_ids:
        stamp = timezone.now()
        claimed = WebhookDelivery.objects.filter(
            pk=delivery_id, status=Status.PENDING, queued_at=None
        ).update(queued_at=stamp)
        if not claimed:
            continue
        if not _publish(delivery_id, stamp):
            break
        queued += 1
    return queued


def _url_allowed(url: str) -> bool:
    return url.startswith("https://") or (
        settings.PARTNER_WEBHOOK_ALLOW_HTTP and url.startswith("http://")
    )


def _backoff(attempt: int) -> timedelta:
    schedule = settings.PARTNER_WEBHOOK_RETRY_SCHEDULE
    return timedelta(seconds=schedule[min(attempt, len(schedule)) - 1])


def send_delivery(*, delivery_id: int) -> bool:
    """POST one due delivery, signed; record the outcome and when to try again.

    Safe to run twice: only the call that claims the row sends. Returns True when the
    receiver accepted it (any 2xx).
    """
    now = timezone.now()
    # Due, give or take the clock difference between the web and worker hosts; the
    # condition only keeps a duplicate message from jumping a backoff.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now + CLOCK_SKEW
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint__api_key").get(
        pk=delivery_id
    )
    endpoint = delivery.endpoint
    rows = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.SENDING)
    if (
        not endpoint.active
        or not endpoint.api_key.is_active
        or delivery.event_type not in (endpoint.event_types or [])
    ):
        rows.update(status=Status.CANCELLED, last_error="endpoint off or key revoked")
        return False
    if endpoint.paused_until and endpoint.paused_until > now:
        # Another delivery just found the receiver unreachable: wait with it, without
        # spending an attempt.
        rows.update(
            status=Status.PENDING,
            attempts=F("attempts") - 1,
            next_attempt_at=endpoint.paused_until,
            queued_at=None,
            claimed_at=None,
        )
        return False
    if not _url_allowed(endpoint.url):
        rows.update(status=Status.FAILED, last_error="plain http:// is not allowed")
        return False

    body = payloads.body(delivery, endpoint.api_key)
    headers = signing.headers(
        endpoint.secret,
        message_id=delivery.message_id,
        timestamp=int(time.time()),
        body=body,
    )
    status_code, error, unreachable = None, "", False
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.PARTNER_WEBHOOK_TIMEOUT,
            allow_redirects=False,
            stream=True,  # the receiver's answer is not read, only its status
        )
        response.close()
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except requests.RequestException as exc:
        error, unreachable = type(exc).__name__, True

    done = timezone.now()
    if not error:
        rows.update(
            status=Status.SUCCEEDED,
            delivered_at=done,
            last_status_code=status_code,
            last_error="",
        )
        if endpoint.consecutive_failures or endpoint.paused_until:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=0, paused_until=None
            )
        return True

    attempts = delivery.attempts  # already counted by the claim
    if attempts > len(settings.PARTNER_WEBHOOK_RETRY_SCHEDULE):
        rows.update(
            status=Status.FAILED, last_status_code=status_code, last_error=error
        )
    else:
        rows.update(
            status=Status.PENDING,
            next_attempt_at=done + _backoff(attempts),
            queued_at=None,
            claimed_at=None,
            last_status_code=status_code,
            last_error=error,
        )
    if unreachable:
        failures = endpoint.consecutive_failures + 1
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1,
            paused_until=done + _backoff(failures),
        )
    logger.info(
        "webhook delivery %s failed (%s), attempt %s", delivery_id, error, attempts
    )
    return False


def send_due(*, limit: int = 200) -> int:
    """Beat: queue the deliveries whose next attempt is due, and put back those whose
    worker or message was lost; safe to run twice. Returns how many were queued."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PARTNER_WEBHOOK_SENDING_TIMEOUT)
    WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.PENDING, queued_at=None, claimed_at=None
    )
    WebhookDelivery.objects.filter(status=Status.PENDING, queued_at__lt=stale).update(
        queued_at=None
    )
    due = (
        WebhookDelivery.objects.filter(
            status=Status.PENDING, queued_at=None, next_attempt_at__lte=now
        )
        .exclude(endpoint__paused_until__gt=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return queue_deliveries(list(due))


def resend_delivery(*, delivery_id: int) -> bool:
    """Staff: send a finished delivery again (same webhook-id, so receivers that
    dedupe still can); returns False when it is still on its way."""
    reset = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[Status.SUCCEEDED, Status.FAILED, Status.CANCELLED],
    ).update(
        status=Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        queued_at=None,
        claimed_at=None,
        last_error="",
    )
    if reset:
        queue_deliveries([delivery_id])
    return bool(reset)


def purge_old_deliveries() -> int:
    """Delete finished deliveries older than PARTNER_WEBHOOK_RETENTION_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.PARTNER_WEBHOOK_RETENTION_DAYS)
    deleted, _rows = WebhookDelivery.objects.filter(
        created_at__lt=cutoff,
        status__in=[Status.SUCCEEDED, Status.FAILED, Status.CANCELLED],
    ).delete()
    return deleted


def create_endpoint(*, user, api_key, url: str, event_types, description: str = ""):
    """Register a partner URL; returns it with its signing secret (shown once)."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm("partners.add_webhookendpoint"):
        raise PermissionDenied
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        api_key=api_key,
        url=url,
        event_types=sorted(set(event_types)),
        description=description,
        secret=secret,
    )
    forget_endpoints()
    return endpoint, secret
