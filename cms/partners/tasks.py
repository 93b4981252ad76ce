"""Thin Celery tasks over the partner services: ids in, one service call."""

from celery import shared_task

from cms.partners import idempotency
from cms.partners.webhooks import services as webhooks


@shared_task(acks_late=True)
def send_webhooks_task(delivery_ids: list[int]) -> None:
    """POST a batch of webhook deliveries of one endpoint; safe to run twice (each row
    is claimed before it is sent)."""
    webhooks.send_batch(delivery_ids=delivery_ids)


@shared_task
def send_due_webhooks_task() -> None:
    """Beat: queue deliveries due for an attempt; safe to run twice."""
    webhooks.send_due()


@shared_task
def purge_partner_records_task() -> None:
    """Beat: forget old idempotency answers and finished deliveries; safe to run twice."""
    idempotency.purge_idempotency_records()
    webhooks.purge_old_deliveries()
