"""Exact counters and once-only milestones.

Why this is exact: ``UPDATE ... SET value = value + n RETURNING value`` takes the counter
row's lock until the caller's transaction ends, so concurrent writers line up and each
sees a distinct value. The transaction that moves the value across a threshold is the
only one that can insert its milestone, and the unique constraint on (campaign, counter,
threshold) keeps even a re-crossing (after a correction) from recording it twice.
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import Campaign, CountedSignup, Counter, Milestone, Signature
from campaigns.models.campaign import normalise_thresholds
from campaigns.signals import milestone_reached
from cms.prepared import prepared_cursor


def _add(*, campaign_id: int, kind: str, by: int) -> int | None:
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        # ``by`` 0 (a repeat signature) writes the row as a count does, and leaves its
        # time alone: nothing was counted.
        cursor.execute(
            f"UPDATE {table} SET value = value + %s, "  # noqa: S608
            "updated_at = CASE WHEN %s = 0 THEN updated_at ELSE %s END "
            "WHERE campaign_id = %s AND kind = %s RETURNING value",
            [by, by, timezone.now(), campaign_id, kind],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def increment_counter(
    *,
    campaign_id: int,
    kind: str,
    by: int = 1,
    thresholds: list[int] | None = None,
) -> int:
    """Add ``by`` to a campaign's counter in the caller's transaction; returns the new value.

    Records a milestone for every threshold crossed and queues one lead notification for
    each milestone actually inserted, after commit. Callers that already hold the
    campaign pass its ``thresholds`` and save a query. ``by`` 0 counts nothing but
    writes the row all the same (a repeat signature does the work of a new one).
    """
    # No savepoint of its own: it runs inside the caller's transaction, and a failure
    # there must undo the signature and the count together anyway.
    with transaction.atomic(savepoint=False):
        value = _add(campaign_id=campaign_id, kind=kind, by=by)
        if value is None:
            # First count ever: create the row (get_or_create survives a racing creator).
            Counter.objects.get_or_create(campaign_id=campaign_id, kind=kind)
            value = _add(campaign_id=campaign_id, kind=kind, by=by)
        previous = value - by
        if thresholds is None:
            thresholds = normalise_thresholds(
                Campaign.objects.filter(pk=campaign_id)
                .values_list("milestone_thresholds", flat=True)
                .first()
            )
        crossed = [
            threshold for threshold in thresholds if previous < threshold <= value
        ]
        for threshold in crossed:
            record_milestone(campaign_id=campaign_id, kind=kind, threshold=threshold)
    return value


def record_milestone(
    *, campaign_id: int, kind: str, threshold: int, reached_at=None
) -> Milestone | None:
    """Insert a milestone unless it exists; returns it only when this call inserted it.

    The lead notification is queued on commit for inserted milestones only; if the
    broker is down, ``notified_at`` stays empty and the resend beat task queues it.
    """
    with transaction.atomic():
        milestone, created = Milestone.objects.get_or_create(
            campaign_id=campaign_id,
            counter=kind,
            threshold=threshold,
            defaults={"reached_at": reached_at or timezone.now()},
        )
    if not created:
        return None
    _announce(milestone.pk, campaign_id)
    return milestone


def _announce(milestone_id: int, campaign_id: int) -> None:
    """Queue the leads' e-mail once the milestone's transaction commits; if the broker
    is down, ``notified_at`` stays empty and renotify_unqueued_milestones queues it."""
    from campaigns.tasks import notify_milestone_task
    from cms.celery import publish

    transaction.on_commit(lambda: publish(notify_milestone_task, milestone_id))
    milestone_reached.send(
        sender=Milestone, milestone_id=milestone_id, campaign_id=campaign_id
    )


def renotify_unqueued_milestones(*, limit: int = 100) -> int:
    """Queue the lead notification again for recent milestones nobody was told about,
    or whose worker died mid-way; safe to run twice (the notification task leases the
    milestone before sending and mails only the leads not mailed yet).

    Returns how many were queued; stops at the first publish that fails.
    """
    from campaigns.tasks import notify_milestone_task
    from cms.celery import publish

    now = timezone.now()
    stale = now - timedelta(seconds=settings.MILESTONE_NOTIFY_LEASE_SECONDS)
    ids = (
        Milestone.objects.filter(
            notified_at=None,
            reached_at__lt=now - timedelta(seconds=settings.EMAIL_RESEND_GRACE),
            reached_at__gte=now - timedelta(seconds=settings.EMAIL_RESEND_MAX_AGE),
        )
        # Unclaimed, or claimed by a worker that died mid-way (its lease expired).
        .filter(Q(notify_claimed_at=None) | Q(notify_claimed_at__lt=stale))
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for milestone_id in ids:
        if not publish(notify_milestone_task, milestone_id):
            break
        queued += 1
    return queued


@functools.cache
def _sign_sql(names: tuple[str, ...]) -> str:
    """The text of sign_and_count's statement for these signature columns, built once
    per process (the prepared plan is reused by the text)."""
    from cms.models import MemoToken

    quote = connection.ops.quote_name
    signature = quote(Signature._meta.db_table)
    counter = quote(Counter._meta.db_table)
    columns = ", ".join(names)
    values = ", ".join(["%s"] * len(names))
    return f"""
        WITH fresh AS (
            SELECT FROM (SELECT 1) AS one
            WHERE %s::text IS NULL
               OR (SELECT value FROM {quote(MemoToken._meta.db_table)} WHERE name = %s)
                  IS NOT DISTINCT FROM %s::bigint
        ), signed AS (
            INSERT INTO {signature} AS signature
                (campaign_id, page_id, {columns})
            SELECT %s, %s, {values} FROM fresh
            ON CONFLICT (campaign_id, mailbox_hash)
            DO UPDATE SET language = signature.language
            RETURNING id, email = %s::bytea AS created
        ), counted AS (
            INSERT INTO {counter} AS counter
                (campaign_id, kind, value, updated_at)
            SELECT %s, %s, created::integer, %s FROM signed
            ON CONFLICT (campaign_id, kind)
            DO UPDATE SET value = counter.value + EXCLUDED.value,
                          updated_at = CASE WHEN EXCLUDED.value = 0
                                       THEN counter.updated_at
                                       ELSE EXCLUDED.updated_at END
            RETURNING value
        ), reached AS (
            INSERT INTO {quote(Milestone._meta.db_table)}
                (campaign_id, counter, threshold, reached_at)
            SELECT %s, %s, threshold, %s
            FROM signed, counted, unnest(%s::integer[]) AS threshold
            WHERE signed.created AND threshold = counted.value
            ON CONFLICT (campaign_id, counter, threshold) DO NOTHING
            RETURNING id
        )
        SELECT (SELECT id FROM signed), (SELECT created FROM signed),
               ARRAY(SELECT id FROM reached), EXISTS (SELECT FROM fresh)
    """  # noqa: S608 (table and column names are ours; values are parameters)


def sign_and_count(
    *,
    campaign_id: int,
    page_id: int,
    row: dict,
    thresholds: list[int],
    now,
    token: tuple[str, object] | None,
) -> tuple[int | None, bool, bool]:
    """PostgreSQL: store a verified signature, count it and record any milestone it
    reaches, all in one statement; returns (signature id, created, fresh).

    ``token`` is (name, value) of the memo token (cms.models.MemoToken) the caller's
    copy of the petition was checked against, or None for a page looked up for this
    request. The statement writes only while the row still holds that value: if the
    petition or its campaign changed since, nothing is written, the id is None and
    ``fresh`` is False, so the caller looks the petition up again. This saves the round
    trip of checking the token before signing.

    Exact for the same reason as ``increment_counter``: the upsert takes the counter
    row's lock and each statement sees a distinct value; the milestone insert belongs to
    the statement that reached the threshold and is unique anyway. One statement in
    autocommit is one transaction, so the signature, its count and the milestone commit
    together or not at all, and the counter row stays locked only while it commits (not
    for the three round trips of BEGIN ... UPDATE ... COMMIT).

    A mailbox that signed already does the same work as a new one, so the clock cannot
    tell them apart: its signature row is written back unchanged (its first name, ZIP
    and language kept) and the counter row moves by 0, in this same statement; both
    commit a write. ``created`` (the row returned holds this call's own ciphertext, whose
    nonce is new) says which it was, and only a created signature counts or reaches a
    milestone. Its id comes back either way: no second query for a repeat.
    """
    sql = _sign_sql(tuple(row))
    kind = Counter.Kind.SIGNATURES
    name, value = token or (None, None)
    params = [
        name,
        name,
        value,
        campaign_id,
        page_id,
        *row.values(),
        row["email"],
        campaign_id,
        kind,
        now,
    ] + [
        campaign_id,
        kind,
        now,
        # The thresholds as an array literal: psycopg's list adaptation costs more than
        # the rest of the parameters together.
        "{" + ",".join(map(str, thresholds)) + "}",
    ]
    # No atomic block: in autocommit the statement is its own transaction. Inside a
    # caller's transaction it simply joins it. A server-side prepared statement
    # (cms/prepared.py): PostgreSQL parses and plans the CTEs once per connection
    # instead of once per signature, and no value is quoted into the SQL text.
    with prepared_cursor() as cursor:
        cursor.execute(sql, params, prepare=True)
        signature_id, created, milestone_ids, fresh = cursor.fetchone()
    for milestone_id in milestone_ids:
        _announce(milestone_id, campaign_id)
    return signature_id, bool(created), fresh


def uncount(*, campaign_id: int, kind: str) -> None:
    """Take one back off a counter (a counted signature was deleted); never below zero.

    A plain UPDATE in the caller's transaction: if the counter went with its campaign,
    there is nothing to correct. Milestones already reached stay: they happened. The
    ``value > 0`` filter keeps it at zero on every backend (SQLite has no GREATEST).
    """
    Counter.objects.filter(campaign_id=campaign_id, kind=kind, value__gt=0).update(
        value=F("value") - 1, updated_at=timezone.now()
    )


def record_signup(*, campaign_id: int, subscriber_id: int | None = None) -> int:
    """Count one confirmed signup for a campaign, once per person; call inside the
    confirming transaction (which holds the person's row, so their confirmations line
    up). A person counted already moves the counter by 0."""
    created = True
    if subscriber_id is not None:
        _signup, created = CountedSignup.objects.get_or_create(
            campaign_id=campaign_id,
            subscriber_id=subscriber_id,
            defaults={"counted_at": timezone.now()},
        )
    return increment_counter(
        campaign_id=campaign_id, kind=Counter.Kind.SIGNUPS, by=1 if created else 0
    )
