"""Signed links for e-mails: unsubscribe, preference centre and signup confirmation.

Unsubscribe and preference tokens are a bare HMAC over ids, so a 100,000-recipient
send signs every footer without touching the database. They carry ids only, never an
address. An unsubscribe token never expires: a year-old bulletin must still
unsubscribe in one click.

Preference links come in two kinds. The one in every mailing's footer travels with
forwards, so it opens a limited page (address masked, no download, no erasure); it
carries the day it was made and expires after SUBSCRIBERS_PREFERENCES_LINK_DAYS. The
one e-mailed on request opens everything, and expires after
SUBSCRIBERS_MAILED_LINK_HOURS. Both carry a link generation: a link e-mailed on
request carries the next one, and opening it raises the subscriber's, which revokes
every earlier link (asking alone revokes nothing: anyone with a forward may ask).
Footer links mailed before generations existed read as generation 0.
"""

import re
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from cms import mail_tokens
from cms.mail_tokens import NUMBER

CONFIRM_SALT = "subscribers.confirm"
MAILED_SALT = "subscribers.preferences-mailed"
EMAIL_CHANGE_SALT = "subscribers.email-change"
# ASCII only: str.isdigit() accepts other scripts' digits, and compare_digest refuses
# non-ASCII text with a TypeError (found by the fuzz test). Numbers only as we write
# them (mail_tokens.NUMBER): the signature is over the ids int() reads.
UNSUBSCRIBE_TOKEN = re.compile(rf"\A({NUMBER})\.({NUMBER})\.([A-Za-z0-9_-]{{24}})\Z")
PREFERENCES_TOKEN = re.compile(
    rf"\A({NUMBER})\.(0|[1-9][0-9]{{0,5}})\.(?:({NUMBER})\.)?([A-Za-z0-9_-]{{24}})\Z"
)
# Before links expired they carried no day; a genuine one now reads as expired.
UNDATED_PREFERENCES_TOKEN = re.compile(rf"\A({NUMBER})\.([A-Za-z0-9_-]{{24}})\Z")


class InvalidToken(ValueError):
    """The token was tampered with, truncated or made for something else."""


class ExpiredToken(InvalidToken):
    """A genuine token past its age; ``subscriber_id`` says whose it was, ``mailed``
    whether it was a link e-mailed on request (hours) or a footer's (days)."""

    def __init__(self, subscriber_id: int, *, mailed: bool = False):
        super().__init__(subscriber_id)
        self.subscriber_id = subscriber_id
        self.mailed = mailed


@dataclass(frozen=True)
class PreferencesLink:
    subscriber_id: int
    generation: int
    # Made for the mailbox just now (download and erasure), not a mailing's footer.
    full_access: bool


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


def make_preferences_token(
    subscriber_id: int, *, generation: int = 0, day: int | None = None
) -> str:
    """A footer link's token: the id, the day it was made, the link generation."""
    day = _today() if day is None else int(day)
    message = f"{int(subscriber_id)}.{day}.{int(generation)}"
    return f"{message}.{_signature('preferences', message)}"


def make_mailed_preferences_token(subscriber_id: int, *, generation: int) -> str:
    """A token for the link e-mailed on request: full access, for a few hours."""
    return mail_tokens.dumps(MAILED_SALT, str(int(subscriber_id)), str(int(generation)))


def read_preferences_token(token: str) -> PreferencesLink:
    """Whose link and which generation; raises ExpiredToken for a genuine link past
    its age and InvalidToken for anything else. The caller compares the generation
    with the subscriber's (a lower one was revoked)."""
    mailed = _read_mailed_token(token)
    if mailed is not None:
        return mailed
    match = PREFERENCES_TOKEN.match(token)
    if match is None:
        undated = UNDATED_PREFERENCES_TOKEN.match(token)
        if undated is None:
            raise InvalidToken(token)
        _verify("preferences", str(int(undated[1])), undated[2])
        raise ExpiredToken(int(undated[1]))
    subscriber_id, day = int(match[1]), int(match[2])
    # Mailed before link generations: signed without one, and read as the first.
    generation = 0 if match[3] is None else int(match[3])
    message = f"{subscriber_id}.{day}"
    if match[3] is not None:
        message += f".{generation}"
    _verify("preferences", message, match[4])
    age = _today() - day
    if age < -1:  # made in the future: not by us
        raise InvalidToken(token)
    if age >= settings.SUBSCRIBERS_PREFERENCES_LINK_DAYS:
        raise ExpiredToken(subscriber_id)
    return PreferencesLink(subscriber_id, generation, full_access=False)


def _read_mailed_token(token: str) -> PreferencesLink | None:
    """The link e-mailed on request, or None when the token is not one."""
    max_age = settings.SUBSCRIBERS_MAILED_LINK_HOURS * 3600
    try:
        fields = mail_tokens.loads(MAILED_SALT, token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken(int(token.split(".", 1)[0]), mailed=True) from None
    except signing.BadSignature:
        return None
    if len(fields) != 2 or "-" in "".join(fields):
        return None
    return PreferencesLink(int(fields[0]), int(fields[1]), full_access=True)


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


def preferences_url(
    subscriber_id: int, *, generation: int = 0, language: str | None = None
) -> str:
    """Absolute signed link to the subscriber's limited preference centre, for a
    mailing's footer: made today (it expires), no login needed."""
    token = make_preferences_token(subscriber_id, generation=generation)
    return _absolute("subscribers:preferences", token, language)


def mailed_preferences_url(
    subscriber_id: int, *, generation: int, language: str | None = None
) -> str:
    """Absolute link to the full preference centre (download, erase), for the e-mail
    the person asks for; it expires after SUBSCRIBERS_MAILED_LINK_HOURS."""
    token = make_mailed_preferences_token(subscriber_id, generation=generation)
    return _absolute("subscribers:preferences", token, language)


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
    url = _absolute("subscribers:confirm", token, language)
    if language and not translation.get_language_from_path(urlsplit(url).path):
        # The default language has no prefix: without its name the page would open
        # in the stored language, not the mail's (and confirm would keep that one).
        url = f"{url}?{urlencode({'language': language})}"
    return url


def preferences_path(subscriber_id: int, *, generation: int = 0) -> str:
    """Site-relative (limited) preference centre link in the active language, for web
    pages."""
    token = make_preferences_token(subscriber_id, generation=generation)
    return reverse("subscribers:preferences", args=[token])


def make_email_change_token(subscriber_id: int, change_id: int) -> str:
    """Ids only: the new address stays in the database, encrypted (EmailChange)."""
    return mail_tokens.dumps(
        EMAIL_CHANGE_SALT, str(int(subscriber_id)), str(int(change_id))
    )


def read_email_change_token(token: str) -> tuple[int, int]:
    """(subscriber id, change id); raises SignatureExpired or BadSignature."""
    max_age = settings.SUBSCRIBERS_MAILED_LINK_HOURS * 3600
    fields = mail_tokens.loads(EMAIL_CHANGE_SALT, token, max_age=max_age)
    if len(fields) != 2 or "-" in "".join(fields):
        raise signing.BadSignature("malformed payload")
    return int(fields[0]), int(fields[1])


def email_change_url(subscriber_id: int, change_id: int, *, language: str) -> str:
    """Absolute link, for the new mailbox, that confirms moving to it; it expires
    after SUBSCRIBERS_MAILED_LINK_HOURS."""
    return _absolute(
        "subscribers:change_email",
        make_email_change_token(subscriber_id, change_id),
        language,
    )
