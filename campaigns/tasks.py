"""Thin Celery tasks over campaign services: ids in, one service call."""

from celery import shared_task

from campaigns.services import notifications, petitions
from cms.celery import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def notify_milestone_task(milestone_id: int) -> None:
    """E-mail the leads about one milestone; safe to run twice (the row is claimed)."""
    notifications.notify_milestone(milestone_id=milestone_id)


@shared_task(**MAIL_TASK_OPTIONS)
def send_signature_verification_task(
    signature_id: int, list_ids: list[int] | None = None
) -> None:
    """E-mail a pending signer their verification link (confirming ``list_ids`` too);
    sends nothing once verified."""
    notifications.send_signature_verification(
        signature_id=signature_id, list_ids=list_ids
    )


@shared_task
def purge_pending_signatures_task() -> None:
    """Delete never-verified signatures whose link expired (beat); safe to run twice."""
    petitions.purge_pending_signatures()
