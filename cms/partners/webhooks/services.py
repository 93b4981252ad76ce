"""Recording events for partner endpoints and delivering them, with retries.

The request that causes an event only inserts delivery rows (ids, no personal data)
after its own transaction commits: one INSERT, no broker call, never a wait for a
receiver. Beat (every PARTNER_WEBHOOK_SWEEP_SECONDS) queues the due deliveries in
batches per endpoint, and a worker sends each (claimed with a conditional UPDATE, so
twice-queued never means twice-sent). Failures wait in the row for their next attempt
(no long Celery countdowns, see DESIGN.md). A receiver that cannot be reached pauses
its endpoint, so its backlog waits instead of holding workers on timeouts. Delivery is
at-least-once: a worker lost between the POST and marking it sent means the receiver
sees that webhook-id again.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cms.celery import publish

from ..models import WebhookDelivery, WebhookEndpoint
from . import addresses, payloads, signing

logger = logging.getLogger(__name__)

# Endpoints change rarely and events are hot (a petition burst): each process keeps the
# list a few seconds; a change made in this process clears it at once (receivers.py).
MEMO_SECONDS = 5.0
_memo: dict[str, tuple[float, list]] = {}
_memo_lock = threading.Lock()
Status = WebhookDelivery.Status
CLOCK_SKEW = timedelta(seconds=2)
# Deliveries per task, and how long one task may spend on them: a slow receiver with
# PARTNER_WEBHOOK_TIMEOUT per request must not run into Celery's time limit.
BATCH_SIZE = 50
BATCH_SECONDS = 60.0


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
    rows = []
    for listener in matching:
        paused = listener.paused_until is not None and listener.paused_until > now
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
                # A receiver known to be unreachable: wait for the end of its pause.
                next_attempt_at=listener.paused_until if paused else now,
            )
        )
    return _insert_new(rows)


def _insert_new(rows: list[WebhookDelivery]) -> list[int]:
    """Insert the deliveries an event does not have yet, in one statement; their ids.

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
        "ON CONFLICT (endpoint_id, event_key) DO NOTHING RETURNING id"
    )
    # Committed durably like everything else: a partner's event is not lost to a crash.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def queue_deliveries(delivery_ids: list[int]) -> int:
    """Hand these deliveries to the broker as one task, each at most once (claimed with
    a conditional UPDATE); with the broker down they stay unqueued for the next sweep.
    Returns how many were queued."""
    from cms.partners.tasks import send_webhooks_task

    stamp = timezone.now()
    WebhookDelivery.objects.filter(
        pk__in=delivery_ids, status=Status.PENDING, queued_at=None
    ).update(queued_at=stamp)
    claimed = list(
        WebhookDelivery.objects.filter(pk__in=delivery_ids, queued_at=stamp)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not claimed:
        return 0

    def release():
        WebhookDelivery.objects.filter(pk__in=claimed, queued_at=stamp).update(
            queued_at=None
        )

    return (
        len(claimed) if publish(send_webhooks_task, claimed, on_failure=release) else 0
    )


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
    if not addresses.public_host(endpoint.url):
        # Never retried: the URL names the city's own network (or nothing at all).
        rows.update(status=Status.FAILED, last_error="not a public address")
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
        response = addresses.post(
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


def send_due(*, limit: int = 2000, batch: int = BATCH_SIZE) -> int:
    """Beat: queue the deliveries whose attempt is due, in batches per endpoint, and
    put back those whose worker or message was lost; safe to run twice. Returns how
    many were queued."""
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
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "endpoint_id")[:limit]
    )
    by_endpoint: dict[int, list[int]] = {}
    for delivery_id, endpoint_id in due:
        by_endpoint.setdefault(endpoint_id, []).append(delivery_id)
    queued = 0
    for ids in by_endpoint.values():
        for start in range(0, len(ids), batch):
            queued += queue_deliveries(ids[start : start + batch])
    return queued


def send_batch(*, delivery_ids: list[int], budget: float = BATCH_SECONDS) -> int:
    """Send a batch of queued deliveries, one after another, for at most ``budget``
    seconds; what is left goes back to the sweep. Returns how many were accepted."""
    started = time.monotonic()
    accepted = 0
    for index, delivery_id in enumerate(delivery_ids):
        if time.monotonic() - started > budget:
            WebhookDelivery.objects.filter(
                pk__in=delivery_ids[index:], status=Status.PENDING
            ).update(queued_at=None)
            break
        accepted += send_delivery(delivery_id=delivery_id)
    return accepted


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
