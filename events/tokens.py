"""Signed links in guests' e-mails: "I can't come any more" for one RSVP.

The token is a bare HMAC over the RSVP id (no address, nothing to decrypt), so it can
be checked without a query and does not expire: the page refuses once the event has
started.
"""

import re

from cms.mail_tokens import NUMBER, short_signature, short_signature_matches

NAME = "events.tokens.rsvp-cancel"

# ASCII digits only (str.isdigit() accepts other scripts' digits), written as we write
# them (no leading zero: the signature is over the id int() reads). No dot: Wagtail's
# page URLs allow only word characters and hyphens in a path segment.
TOKEN = re.compile(rf"\A({NUMBER})-([A-Za-z0-9_-]{{24}})\Z")


class InvalidToken(ValueError):
    """The token was tampered with, truncated or made for something else."""


def _signature(rsvp_id: int) -> str:
    return short_signature(NAME, str(rsvp_id))


def make_cancel_token(rsvp_id: int) -> str:
    return f"{int(rsvp_id)}-{_signature(int(rsvp_id))}"


def read_cancel_token(token: str) -> int:
    """The RSVP id a token was made for; raises InvalidToken."""
    match = TOKEN.match(token or "")
    if match is None:
        raise InvalidToken(token)
    rsvp_id = int(match[1])
    if not short_signature_matches(NAME, str(rsvp_id), match[2]):
        raise InvalidToken(token)
    return rsvp_id
