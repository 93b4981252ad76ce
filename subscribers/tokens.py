"""Signed links for e-mails: unsubscribe, preference centre and signup confirmation.

Unsubscribe and preference tokens are a bare HMAC over ids, so a 100,000-recipient
send signs every footer without touching the database. They carry ids only, never an
address. An unsubscribe token never expires: a year-old bulletin must still
unsubscribe in one click. A preference token opens the person's data (download,
erase), so it carries the day it was made and expires after
SUBSCRIBERS_PREFERENCES_LINK_DAYS; every mailing carries a fresh one.
"""

import re
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from cms import mail_tokens
from cms.mail_tokens import NUMBER

CONFIRM_SALT = "subscribers.confirm"
# ASCII only: str.isdigit() accepts other scripts' digits, and compare_digest refuses
# non-ASCII text with a TypeError (found by the fuzz test). Numbers only as we write
# them (mail_tokens.NUMBER): the signature is over the ids int() reads.
UNSUBSCRIBE_TOKEN = re.compile(rf"\A({NUMBER})\.({NUMBER})\.([A-Za-z0-9_-]{{24}})\Z")
PREFERENCES_TOKEN = re.compile(
    rf"\A({NUMBER})\.(0|[1-9][0-9]{{0,5}})\.([A-Za-z0-9_-]{{24}})\Z"
)
# Before links expired they carried no day; a genuine one now reads as expired.
UNDATED_PREFERENCES_TOKEN = re.compile(rf"\A({NUMBER})\.([A-Za-z0-9_-]{{24}})\Z")


class InvalidToken(ValueError):
    """The token was tampered with, truncated or made for something else."""


class ExpiredToken(InvalidToken):
    """A genuine token past its age; ``subscriber_id`` says whose it was."""

    def __init__(self, subscriber_id: int):
        super().__init__(subscriber_id)
        self.subscriber_id = subscriber_id


@dataclass(frozen=True)
class UnsubscribeToken:
    subscriber_id: int
    mailing_id: int | None


def _signature(purpose: str, message: str) -> str:
    return mail_tokens.short_signature(f"subscribers.tokens.{purpose}", message)


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


def _verify(purpose: str, message: str, signature: str) -> None:
    name = f"subscribers.tokens.{purpose}"
    if not mail_tokens.short_signature_matches(name, message, signature):
        raise InvalidToken(message)


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    match = UNSUBSCRIBE_TOKEN.match(token)
    if match is None:
        raise InvalidToken(token)
    subscriber_id, mailing_id = int(match[1]), int(match[2])
    _verify("unsubscribe", f"{subscriber_id}.{mailing_id}", match[3])
    return UnsubscribeToken(subscriber_id=subscriber_id, mailing_id=mailing_id or None)


def _today() -> int:
    return int(time.time() // 86400)


def make_preferences_token(subscriber_id: int, *, day: int | None = None) -> str:
    message = f"{int(subscriber_id)}.{_today() if day is None else int(day)}"
    return f"{message}.{_signature('preferences', message)}"


def read_preferences_token(token: str) -> int:
    """The subscriber id; raises ExpiredToken for a genuine link past its age and
    InvalidToken for anything else."""
    match = PREFERENCES_TOKEN.match(token)
    if match is None:
        undated = UNDATED_PREFERENCES_TOKEN.match(token)
        if undated is None:
            raise InvalidToken(token)
        _verify("preferences", str(int(undated[1])), undated[2])
        raise ExpiredToken(int(undated[1]))
    subscriber_id, day = int(match[1]), int(match[2])
    _verify("preferences", f"{subscriber_id}.{day}", match[3])
    age = _today() - day
    if age < -1:  # made in the future: not by us
        raise InvalidToken(token)
    if age >= settings.SUBSCRIBERS_PREFERENCES_LINK_DAYS:
        raise ExpiredToken(subscriber_id)
    return subscriber_id


def unsubscribe_url(
    subscriber_id: int, *, mailing_id: int | None = None, language: str | None = None
) -> str:
    """Absolute one-click unsubscribe link (GET asks, POST unsubscribes; RFC 8058),
    under the reader's ``language`` prefix when given."""
    return _absolute(
        "subscribers:unsubscribe",
        make_unsubscribe_token(subscriber_id, mailing_id),
        language,
    )


def preferences_url(subscriber_id: int, *, language: str | None = None) -> str:
    """Absolute signed link to the subscriber's preference centre, made today (it
    expires); no login needed."""
    return _absolute(
        "subscribers:preferences", make_preferences_token(subscriber_id), language
    )


def make_confirm_token(
    *, subscriber_id: int, list_ids: list[int], page_id: int | None
) -> str:
    lists = "-".join(str(int(pk)) for pk in sorted(list_ids)) or "0"
    return mail_tokens.dumps(
        CONFIRM_SALT, str(int(subscriber_id)), lists, str(int(page_id or 0))
    )


def read_confirm_token(token: str) -> dict:
    """The confirmation payload; raises SignatureExpired or BadSignature."""
    max_age = settings.SUBSCRIBERS_CONFIRM_MAX_AGE
    if ":" in token:
        # Mailed before the compact format (a django.core.signing token): honoured
        # for its age, so nobody's pending link breaks on an upgrade.
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
        if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
            raise signing.BadSignature("malformed payload")
        return payload
    fields = mail_tokens.loads(CONFIRM_SALT, token, max_age=max_age)
    if len(fields) != 3:
        raise signing.BadSignature("malformed payload")
    subscriber, lists, page = fields
    return {
        "s": int(subscriber),
        "l": [int(pk) for pk in lists.split("-") if pk != "0"],
        "p": int(page) or None,
    }


def confirm_url(
    *, subscriber_id: int, list_ids: list[int], page_id: int | None, language: str
) -> str:
    token = make_confirm_token(
        subscriber_id=subscriber_id, list_ids=list_ids, page_id=page_id
    )
    return _absolute("subscribers:confirm", token, language)


def preferences_path(subscriber_id: int) -> str:
    """Site-relative preference centre link in the active language, for web pages."""
    return reverse(
        "subscribers:preferences", args=[make_preferences_token(subscriber_id)]
    )
