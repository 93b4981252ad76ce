"""Signed links in guests' e-mails: "I can't come any more" for one RSVP, and "confirm
my place" for a pending one (EventPage.confirm_by_email).

A token is a bare HMAC over the RSVP id (no address, nothing to decrypt), so it can
be checked without a query and does not expire by itself: the cancel page refuses once
the event has started, the confirm page once the pending RSVP's time is up
(Rsvp.confirm_by). Each kind has its own key: a cancel link cannot confirm, nor the
other way round.
"""

import re

from cms.mail_tokens import NUMBER, short_signature, short_signature_matches

NAME = "events.tokens.rsvp-cancel"
CONFIRM_NAME = "events.tokens.rsvp-confirm"

# ASCII digits only (str.isdigit() accepts other scripts' digits), written as we write
# them (no leading zero: the signature is over the id int() reads). No dot: Wagtail's
# page URLs allow only word characters and hyphens in a path segment.
TOKEN = re.compile(rf"\A({NUMBER})-([A-Za-z0-9_-]{{24}})\Z")


class InvalidToken(ValueError):
    """The token was tampered with, truncated or made for something else."""


def _make(name: str, rsvp_id: int) -> str:
    return f"{int(rsvp_id)}-{short_signature(name, str(int(rsvp_id)))}"


def _read(name: str, token: str) -> int:
    match = TOKEN.match(token or "")
    if match is None:
        raise InvalidToken(token)
    rsvp_id = int(match[1])
    if not short_signature_matches(name, str(rsvp_id), match[2]):
        raise InvalidToken(token)
    return rsvp_id


def make_cancel_token(rsvp_id: int) -> str:
    return _make(NAME, rsvp_id)


def read_cancel_token(token: str) -> int:
    """The RSVP id a token was made for; raises InvalidToken."""
    return _read(NAME, token)


def make_confirm_token(rsvp_id: int) -> str:
    return _make(CONFIRM_NAME, rsvp_id)


def read_confirm_token(token: str) -> int:
    """The RSVP id a confirm link was made for; raises InvalidToken."""
    return _read(CONFIRM_NAME, token)
