"""Thin Celery tasks over the mailing services; ids in, nothing personal in arguments."""

import random

from celery import shared_task
from django.conf import settings

from campaigns.mailings.exceptions import TransientSendError
from campaigns.mailings.services import alerts, sending, starting, testing, upkeep


@shared_task(acks_late=True)
def start_mailing_task(mailing_id: int) -> None:
    """Snapshot, materialise and start sending a claimed mailing; safe to run twice."""
    starting.start_mailing(mailing_id=mailing_id)


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_batch_task(self, mailing_id: int) -> None:
    """Send one batch, then queue the next; provider trouble retries with backoff + jitter.

    Safe to run twice: each run claims its own rows.
    """
    try:
        claimed = sending.send_batch(mailing_id=mailing_id)
    except TransientSendError as error:
        cap = settings.MAILING_RETRY_BACKOFF_CAP
        backoff = min(cap, 2 ** min(self.request.retries, 8))
        delay = max(error.retry_after or 0, backoff) * random.uniform(1.0, 1.5)  # noqa: S311 - jitter, not crypto
        raise self.retry(countdown=delay, exc=error, max_retries=None) from error
    if claimed:
        lane = sending.lane_of(mailing_id)
        send_batch_task.apply_async((mailing_id,), queue=lane)


@shared_task
def dispatch_due_mailings_task() -> None:
    """Start scheduled mailings whose time has come; each exactly once."""
    starting.dispatch_due_mailings()


@shared_task
def keep_mailings_moving_task() -> None:
    """Sweep lost claims, restart stalled chains, probe paused providers."""
    upkeep.keep_mailings_moving()


@shared_task
def send_test_mailing_task(mailing_id: int, user_id: int) -> None:
    """Send the staff member a test copy in each language; safe to run twice."""
    testing.send_test_mailing(mailing_id=mailing_id, user_id=user_id)


@shared_task
def notify_alert_approvers_task(mailing_id: int) -> None:
    """E-mail who may approve a held alert; safe to run twice (a second reminder)."""
    alerts.notify_alert_approvers(mailing_id=mailing_id)


@shared_task
def process_bounce_mailbox_task() -> dict[str, int]:
    """Beat: apply and delete what the bounce mailbox holds; safe to run twice."""
    from campaigns.mailings.services.bounces import process_bounce_mailbox

    return process_bounce_mailbox()
