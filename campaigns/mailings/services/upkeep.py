"""Periodic repairs: lost claims back to the queue, stalled mailings moving, probes."""

import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing

logger = logging.getLogger(__name__)


def sweep_stuck_deliveries(*, older_than: int | None = None) -> int:
    """Claims older than the sending timeout died with their worker: queue them again."""
    limit = timezone.now() - timezone.timedelta(
        seconds=settings.MAILING_SENDING_TIMEOUT if older_than is None else older_than
    )
    swept = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=limit
    ).update(status=Delivery.Status.QUEUED, claimed_at=None)
    if swept:
        logger.warning("re-queued %s deliveries whose worker disappeared", swept)
    return swept


def keep_mailings_moving(*, stalled_after: int | None = None) -> dict[str, list[int]]:
    """Sweep, restart stalled send chains, probe paused providers, finish completed sends.

    Safe to run any number of times: extra send tasks find nothing to claim.
    """
    from campaigns.mailings.services.control import resume
    from campaigns.mailings.services.sending import finish_if_done
    from campaigns.mailings.services.starting import enqueue_send_batches

    sweep_stuck_deliveries()
    now = timezone.now()
    stalled_limit = now - timezone.timedelta(
        seconds=stalled_after
        if stalled_after is not None
        else settings.MAILING_PROBE_INTERVAL
    )
    queued = Delivery.objects.filter(
        mailing=OuterRef("pk"), status=Delivery.Status.QUEUED
    )
    stalled = list(
        Mailing.objects.filter(
            status=Mailing.Status.SENDING, last_progress_at__lt=stalled_limit
        )
        .filter(Exists(queued))
        .values_list("pk", flat=True)
    )
    for mailing_id in stalled:
        Mailing.objects.filter(pk=mailing_id).update(last_progress_at=now)
        enqueue_send_batches(mailing_id=mailing_id)
    probed = list(
        Mailing.objects.filter(
            status=Mailing.Status.PAUSED, probe_at__isnull=False, probe_at__lte=now
        ).values_list("pk", flat=True)
    )
    for mailing_id in probed:
        resume(user=None, mailing_id=mailing_id)
    finished = [
        mailing_id
        for mailing_id in Mailing.objects.filter(status=Mailing.Status.SENDING)
        .filter(~Exists(queued))
        .values_list("pk", flat=True)
        if finish_if_done(mailing_id=mailing_id)
    ]
    return {"restarted": stalled, "probed": probed, "finished": finished}
