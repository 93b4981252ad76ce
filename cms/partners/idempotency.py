"""Idempotent POSTs: a retry with the same Idempotency-Key creates nothing new.

The record of a key is inserted in the same transaction as the writes it answers for,
and stores the answer. A retry after commit finds the record and gets the same answer;
a retry while the first request is still running waits on the unique index (on
PostgreSQL; SQLite runs one writer at a time anyway) and then gets the same answer; a
request that failed rolled its record back with its writes, so a retry runs afresh.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiKey, IdempotencyRecord

MAX_KEY_LENGTH = 255
Answer = tuple[int, dict]


class _AlreadyAnswered(Exception):
    pass


def _request_hash(request) -> str:
    # Keyed: the body holds a person's address, and anything stored about a person is
    # hashed with a key (see subscribers.crypto).
    digest = hmac.new(settings.LOOKUP_HASH_KEY.encode(), digestmod=hashlib.sha256)
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


# Where the header's errors are reported, as ninja names a header parameter.
IDEMPOTENCY_KEY_FIELD = "header.Idempotency-Key"


def _valid_key(key: str | None) -> bool:
    return (
        bool(key) and len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()
    )


def run_once(
    request, *, api_key: ApiKey, key: str | None, handler: Callable[[], Answer]
) -> JsonResponse:
    """Run ``handler`` once per (key, Idempotency-Key); replay its answer to retries."""
    if not _valid_key(key):
        detail = _(
            "Send an Idempotency-Key header (up to 255 printable ASCII "
            "characters) with every POST."
        )
        return JsonResponse(
            {
                "detail": detail,
                "code": "idempotency_key_invalid",
                "errors": {IDEMPOTENCY_KEY_FIELD: [detail]},
            },
            status=400,
        )
    fingerprint = _request_hash(request)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        api_key=api_key,
                        key=key,
                        request_hash=fingerprint,
                        status_code=0,
                        response={},
                    )
            except IntegrityError:
                raise _AlreadyAnswered from None
            status, body = handler()
            record.status_code, record.response = status, body
            record.save(update_fields=["status_code", "response"])
    except _AlreadyAnswered:
        record = IdempotencyRecord.objects.get(api_key=api_key, key=key)
        if record.request_hash != fingerprint:
            return JsonResponse(
                {
                    "detail": _(
                        "This Idempotency-Key was already used for a different request."
                    ),
                    "code": "idempotency_key_reused",
                },
                status=422,
            )
        response = JsonResponse(record.response, status=record.status_code)
        response["Idempotent-Replayed"] = "true"
        return response
    return JsonResponse(body, status=status)


def purge_idempotency_records() -> int:
    """Forget answers older than PARTNER_IDEMPOTENCY_HOURS; safe to run twice."""
    cutoff = timezone.now() - timedelta(hours=settings.PARTNER_IDEMPOTENCY_HOURS)
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
