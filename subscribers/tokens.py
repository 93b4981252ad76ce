"""Signed links for e-mails: unsubscribe, preference centre and signup confirmation.

Unsubscribe and preference tokens are a bare HMAC over ids, so a 100,000-recipient
send signs every footer without touching the database. They carry ids only, never an
address, and do not expire: a year-old bulletin must still unsubscribe in one click.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

CONFIRM_SALT = "subscribers.confirm"


class InvalidToken(ValueError):
    """The token was tampered with, truncated or made for something else."""


@dataclass(frozen=True)
class UnsubscribeToken:
    subscriber_id: int
    mailing_id: int | None


@cache
def _key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"subscribers.tokens.{purpose}:{secret}".encode()).digest()


def _signature(purpose: str, message: str) -> str:
    digest = hmac.new(
        _key(purpose, settings.SECRET_KEY), message.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


@cache
def _path_template(url_name: str, language: str | None) -> str:
    # Reversed once per URL name: the per-token cost stays one HMAC and a format.
    with translation.override(language):
        return reverse(url_name, args=["TOKEN"])


def _absolute(url_name: str, token: str, language: str | None = None) -> str:
    path = _path_template(url_name, language).replace("TOKEN", token)
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def make_unsubscribe_token(subscriber_id: int, mailing_id: int | None = None) -> str:
    message = f"{int(subscriber_id)}.{int(mailing_id or 0)}"
    return f"{message}.{_signature('unsubscribe', message)}"


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    parts = token.split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts[:2]):
        raise InvalidToken(token)
    message = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature("unsubscribe", message)):
        raise InvalidToken(token)
    mailing_id = int(parts[1]) or None
    return UnsubscribeToken(subscriber_id=int(parts[0]), mailing_id=mailing_id)


def make_preferences_token(subscriber_id: int) -> str:
    message = str(int(subscriber_id))
    return f"{message}.{_signature('preferences', message)}"


def read_preferences_token(token: str) -> int:
    message, _, signature = token.partition(".")
    if not message.isdigit() or not hmac.compare_digest(
        signature, _signature("preferences", message)
    ):
        raise InvalidToken(token)
    return int(message)


def unsubscribe_url(subscriber_id: int, *, mailing_id: int | None = None) -> str:
    """Absolute one-click unsubscribe link (GET asks, POST unsubscribes; RFC 8058)."""
    return _absolute(
        "subscribers:unsubscribe", make_unsubscribe_token(subscriber_id, mailing_id)
    )


def preferences_url(subscriber_id: int) -> str:
    """Absolute signed link to the subscriber's preference centre; no login needed."""
    return _absolute("subscribers:preferences", make_preferences_token(subscriber_id))


def make_confirm_token(
    *, subscriber_id: int, list_ids: list[int], page_id: int | None
) -> str:
    payload = {"s": subscriber_id, "l": sorted(list_ids), "p": page_id}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> dict:
    """The confirmation payload; raises SignatureExpired or BadSignature."""
    payload = signing.loads(
        token, salt=CONFIRM_SALT, max_age=settings.SUBSCRIBERS_CONFIRM_MAX_AGE
    )
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise signing.BadSignature("malformed payload")
    return payload


def confirm_url(
    *, subscriber_id: int, list_ids: list[int], page_id: int | None, language: str
) -> str:
    token = make_confirm_token(
        subscriber_id=subscriber_id, list_ids=list_ids, page_id=page_id
    )
    return _absolute("subscribers:confirm", token, language)
