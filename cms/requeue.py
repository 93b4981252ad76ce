"""Queueing an e-mail task for a row that keeps a "queued at" mark, and queueing again
the rows a broker outage left unmarked.

The mark is stamped when the row is written (or claimed here with a conditional UPDATE,
so two runs never queue one row twice) and cleared if the broker refuses the task: an
empty mark is what ``requeue_unmarked`` looks for.
"""

from django.db.models import QuerySet
from django.utils import timezone


def queue_marked(task, model, pk: int, field: str, claimed_at, *args) -> bool:
    """Publish ``task(pk, *args)``; if the broker refuses, release our own claim on ``field``
    (never a later run's). True when queued."""
    from cms.celery import publish

    def release():
        if claimed_at is not None:
            model.objects.filter(pk=pk, **{field: claimed_at}).update(**{field: None})

    return publish(task, pk, *args, on_failure=release)


def requeue_unmarked(task, rows: QuerySet, field: str, *, limit: int) -> int:
    """Claim and queue each unmarked row of ``rows`` (oldest first), each once; safe to
    run twice and in parallel. Returns how many were queued; stops at the first publish
    that fails, leaving the rest unmarked for the next run."""
    unmarked = rows.filter(**{field: None})
    ids = list(unmarked.order_by("created_at").values_list("pk", flat=True)[:limit])
    queued = 0
    for pk in ids:
        claimed_at = timezone.now()
        if not unmarked.filter(pk=pk).update(**{field: claimed_at}):
            continue  # another run took it, or the row changed meanwhile
        if not queue_marked(task, rows.model, pk, field, claimed_at):
            break
        queued += 1
    return queued
