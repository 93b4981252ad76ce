"""Apply what the bounce mailbox holds, as the provider webhooks apply their events.

A hard bounce or complaint about a delivery named by a signed VERP address becomes a
tracking event stored once per delivery and kind (campaigns/mailings/services/
tracking.py): the delivery is marked, the address suppressed, and a second report about
the same delivery, or the same report read twice, changes nothing. Soft bounces,
auto-replies, unsigned or forged addresses and anything else are counted and dropped.
"""

import logging
from collections import Counter

from anymail.signals import AnymailTrackingEvent, EventType
from django.conf import settings
from django.utils import timezone

from campaigns.mailings import bounces, mailbox
from campaigns.mailings.services.tracking import record_tracking_event

logger = logging.getLogger(__name__)

EVENT_TYPES = {bounces.HARD: EventType.BOUNCED, bounces.COMPLAINT: EventType.COMPLAINED}


def process_bounce(raw: bytes) -> str:
    """Classify one returned message and apply it; returns what it was: "hard",
    "complaint" (applied), "duplicate" (applied before), "unsigned" (a report
    without a valid VERP signature), or "soft", "auto_reply", "other" (ignored)."""
    report = bounces.classify(raw)
    if report.kind not in EVENT_TYPES:
        return report.kind
    if report.delivery_id is None:
        logger.info("%s report without a signed VERP address: ignored", report.kind)
        return "unsigned"
    event = AnymailTrackingEvent(
        event_type=EVENT_TYPES[report.kind],
        event_id=f"verp:{report.kind}:{report.delivery_id}",
        timestamp=timezone.now(),
        metadata={"delivery_id": report.delivery_id},
        description=report.status,
        esp_event=None,
    )
    if not record_tracking_event(event):
        return "duplicate"
    logger.info("delivery %s: %s bounce applied", report.delivery_id, report.kind)
    return report.kind


def process_bounce_mailbox(*, url: str = "", limit: int = 0) -> dict[str, int]:
    """Read and empty the bounce mailbox (BOUNCE_MAILBOX_URL), applying each message;
    returns counts by outcome. Safe to run twice and in parallel."""
    url = url or settings.BOUNCE_MAILBOX_URL
    if not url:
        return {}
    outcomes: Counter[str] = Counter()

    def handle(raw: bytes) -> None:
        outcomes[process_bounce(raw)] += 1

    try:
        mailbox.read_mailbox(
            url, limit=limit or settings.BOUNCE_MAILBOX_BATCH, handle=handle
        )
    finally:
        if outcomes:
            logger.info("bounce mailbox: %s", dict(outcomes))
    return dict(outcomes)
