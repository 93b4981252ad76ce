"""Read what came back to the bounce address: delivery reports, complaints, the rest.

Only standard reports count. A delivery status notification (RFC 3464,
multipart/report; report-type=delivery-status) whose recipient failed with a 5.x.x
status is a hard bounce; "delayed", or "failed" with a 4.x.x status (an MTA gave up on
a temporary error), is a soft bounce. An abuse report (RFC 5965, report-type=
feedback-report) is a complaint. Out-of-office and other auto-replies (RFC 3834), and
anything else, are none of these.

Which delivery a report is about comes only from a signed VERP address in the headers
(campaigns/mailings/identity.py): the outer envelope headers the receiving server
added (Delivered-To, X-Original-To, ...), or the returned original's Return-Path. The
report's own recipient fields are never trusted: anyone can write them.
"""

import logging
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message

from campaigns.mailings import identity

logger = logging.getLogger(__name__)

HARD, SOFT, COMPLAINT, AUTO_REPLY, OTHER = (
    "hard",
    "soft",
    "complaint",
    "auto_reply",
    "other",
)
AUTO_REPLY_HEADERS = {
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-auto-response-suppress",
}


@dataclass(frozen=True)
class BounceReport:
    kind: str  # HARD, SOFT, COMPLAINT, AUTO_REPLY or OTHER
    delivery_id: int | None  # from a signed VERP address; None if there was none
    status: str = ""  # the DSN status code, e.g. "5.1.1"


def classify(raw: bytes) -> BounceReport:
    """What one message from the bounce mailbox is, and which delivery it concerns.

    Never raises on a malformed message: that is OTHER.
    """
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
        kind, status = _kind(message)
        delivery_id = signed_delivery_id(message)
    except Exception as error:  # noqa: BLE001 - junk in the mailbox must not stop the run
        logger.warning("unreadable message in the bounce mailbox: %s", error)
        return BounceReport(kind=OTHER, delivery_id=None)
    return BounceReport(kind=kind, delivery_id=delivery_id, status=status)


def _kind(message: Message) -> tuple[str, str]:
    if message.get_content_type() == "multipart/report":
        report_type = (message.get_param("report-type") or "").lower()
        if report_type == "delivery-status":
            return _delivery_status(message)
        if report_type == "feedback-report":
            return COMPLAINT, ""
        return OTHER, ""
    if _is_auto_reply(message):
        return AUTO_REPLY, ""
    return OTHER, ""


def _delivery_status(message: Message) -> tuple[str, str]:
    """HARD if any recipient failed permanently, SOFT if only temporarily."""
    statuses = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The email package parses the fields into one Message per block: the
        # per-message block first, then one per recipient.
        for block in part.get_payload()[1:]:
            action = (block.get("Action") or "").strip().lower()
            status = (block.get("Status") or "").strip().split(" ")[0]
            statuses.append((action, status))
    for action, status in statuses:
        if action == "failed" and status.startswith("5"):
            return HARD, status
    if statuses:
        return SOFT, statuses[0][1]
    return OTHER, ""


def _is_auto_reply(message: Message) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto != "no"
        or precedence in {"auto_reply", "bulk", "junk", "list"}
        or any(name.lower() in AUTO_REPLY_HEADERS for name in message.keys())
    )


def signed_delivery_id(message: Message) -> int | None:
    """The delivery of the first signed VERP address in the headers of the report or
    of the original it returns; None when no header holds a valid signature."""
    for headers in _header_blocks(message):
        for _name, value in headers:
            delivery_id = identity.delivery_id_from(str(value))
            if delivery_id is not None:
                return delivery_id
    return None


def _header_blocks(message: Message):
    yield message.items()
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            for inner in part.get_payload():
                yield inner.items()
        elif content_type == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            yield message_from_bytes(text, policy=policy.compat32).items()
