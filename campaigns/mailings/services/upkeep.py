"""Periodic repairs: lost claims back to the queue, stalled mailings moving, probes."""

import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
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


def start_timeout(lane: str) -> int:
    """Seconds a mailing may stay STARTING before its start task is presumed lost."""
    if lane == Mailing.Lane.ALERTS:
        return settings.MAILING_ALERT_START_TIMEOUT
    return settings.MAILING_START_TIMEOUT


def _quiet_since(limit) -> Q:
    """Neither progress nor a re-queue by the upkeep since ``limit`` (a mailing from
    before last_progress_at was stamped on STARTING counts from its creation)."""
    progress = Q(last_progress_at__lt=limit) | Q(
        last_progress_at__isnull=True, created_at__lt=limit
    )
    return progress & (Q(restarted_at__isnull=True) | Q(restarted_at__lt=limit))


def _claim_restart(mailing_id: int, status: str, limit, now) -> bool:
    """A conditional UPDATE, so two sweeps side by side re-queue a mailing once."""
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=status)
        .filter(_quiet_since(limit))
        .update(restarted_at=now)
    )


def restart_lost_starts(now) -> list[int]:
    """Queue again the start of mailings STARTING for longer than their lane allows.

    A start task lost with the broker's queue (a Redis restart without persistence,
    a purge) left them STARTING for ever. start_mailing is safe to run twice, even side
    by side with a start that was only slow.
    """
    from campaigns.mailings.tasks import start_mailing_task

    restarted = []
    for lane in (Mailing.Lane.ALERTS, Mailing.Lane.BULK):
        limit = now - timezone.timedelta(seconds=start_timeout(lane))
        candidates = Mailing.objects.filter(
            status=Mailing.Status.STARTING, lane=lane
        ).filter(_quiet_since(limit))
        for mailing_id in candidates.values_list("pk", flat=True):
            if _claim_restart(mailing_id, Mailing.Status.STARTING, limit, now):
                start_mailing_task.apply_async((mailing_id,), queue=lane)
                restarted.append(mailing_id)
    if restarted:
        logger.warning("re-queued the lost start of mailings %s", restarted)
    return restarted


def keep_mailings_moving(*, stalled_after: int | None = None) -> dict[str, list[int]]:
    """Sweep, restart lost starts and stalled send chains, probe paused providers,
    finish completed sends.

    Safe to run any number of times: extra send tasks find nothing to claim, extra
    start tasks find the mailing started.
    """
    from campaigns.mailings.services.control import resume
    from campaigns.mailings.services.sending import finish_if_done
    from campaigns.mailings.services.starting import enqueue_send_batches

    sweep_stuck_deliveries()
    now = timezone.now()
    started = restart_lost_starts(now)
    stalled_limit = now - timezone.timedelta(
        seconds=stalled_after
        if stalled_after is not None
        else settings.MAILING_PROBE_INTERVAL
    )
    queued = Delivery.objects.filter(
        mailing=OuterRef("pk"), status=Delivery.Status.QUEUED
    )
    stalled = [
        mailing_id
        for mailing_id in Mailing.objects.filter(status=Mailing.Status.SENDING)
        .filter(_quiet_since(stalled_limit))
        .filter(Exists(queued))
        .values_list("pk", flat=True)
        if _claim_restart(mailing_id, Mailing.Status.SENDING, stalled_limit, now)
    ]
    for mailing_id in stalled:
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
    return {
        "started": started,
        "restarted": stalled,
        "probed": probed,
        "finished": finished,
    }
