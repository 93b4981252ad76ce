"""Expiring signed tokens for the links in e-mails: ids, a time and a short HMAC.

``django.core.signing`` tokens end in a 43-character base64 signature, and a few in a
thousand hold a run that SpamAssassin's ``__BITCOIN_ID`` body rule takes for a Bitcoin
address (a 1 or 3 and 29-34 more base58 characters): the confirmation mail then
scores PDS_BTC_ID, +1.0, at random. Here every field is ASCII digits (lists joined
by hyphens), the fields and the time are split by dots, and the signature is 24
characters, so no run is ever long enough. Like the unsubscribe tokens, a token
carries ids only, never an address.

The fields and the signature raise ``django.core.signing``'s own exceptions, so the
views that read them tell an expired link (410) from a bad one (400) as before.
"""

import base64
import hashlib
import hmac
import re
import time
from functools import cache

from django.conf import settings
from django.core import signing

# A number as str(int()) writes it: ASCII digits, no sign, no leading zero. Read with
# int(), "02" would be 2 again, and a token with its ids written another way would pass
# for one we made (the subscriber and RSVP tokens sign the ids as int() reads them).
NUMBER = r"(?:0|[1-9][0-9]{0,17})"
FIELD = re.compile(rf"\A{NUMBER}(?:-{NUMBER})*\Z")
MADE_AT = re.compile(r"\A[1-9][0-9]{0,11}\Z")
SIGNATURE = re.compile(r"\A[A-Za-z0-9_-]{24}\Z")
# A subscriber who picked every list still fits; anything longer is not ours.
MAX_LENGTH = 1024


@cache
def _key(name: str, secret: str) -> bytes:
    return hashlib.sha256(f"{name}:{secret}".encode()).digest()


def short_signature(name: str, message: str, secret: str | None = None) -> str:
    """24 URL-safe characters: an HMAC-SHA256 of ``message`` (18 bytes of it) under a
    key derived from ``name`` and the secret (SECRET_KEY unless given). Every signed
    link in e-mails uses it; the key is derived once per name, so a 100,000-recipient
    send signs every footer for the price of one HMAC each."""
    key = _key(name, settings.SECRET_KEY if secret is None else secret)
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def short_signature_matches(name: str, message: str, signature: str) -> bool:
    """Was ``signature`` made by ``short_signature(name, message)`` under SECRET_KEY or
    one of SECRET_KEY_FALLBACKS (the keys before a rotation: links already mailed)?"""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(
            signature.encode(), short_signature(name, message, secret).encode()
        )
        for secret in secrets
    )


def _signature(purpose: str, message: str, secret: str) -> str:
    return short_signature(f"cms.mail_tokens.{purpose}", message, secret)


def dumps(purpose: str, *fields: str) -> str:
    """A token over ``fields`` (digits, hyphen-joined digits) made now."""
    for field in fields:
        if not FIELD.match(field):
            raise ValueError(f"not a token field: {field!r}")
    message = ".".join([*fields, str(int(time.time()))])
    return f"{message}.{_signature(purpose, message, settings.SECRET_KEY)}"


def loads(purpose: str, token: str, *, max_age: int) -> list[str]:
    """The fields of a token made for ``purpose`` at most ``max_age`` seconds ago.

    Raises ``signing.BadSignature`` for anything not made here, and
    ``signing.SignatureExpired`` for a genuine token past its age.
    """
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        raise signing.BadSignature("token length")
    message, _, signature = token.rpartition(".")
    *fields, made_at = message.split(".")
    if not (
        fields
        and SIGNATURE.match(signature)
        and MADE_AT.match(made_at)
        and all(FIELD.match(field) for field in fields)
    ):
        raise signing.BadSignature("token shape")
    if not short_signature_matches(f"cms.mail_tokens.{purpose}", message, signature):
        raise signing.BadSignature("signature")
    if time.time() - int(made_at) > max_age:
        raise signing.SignatureExpired("token age")
    return fields
