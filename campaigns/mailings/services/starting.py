"""Start a mailing: snapshot the page per language, then one Delivery per recipient."""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing, MailingRendition
from campaigns.mailings.selectors import mailing_audience

logger = logging.getLogger(__name__)


def page_languages(page) -> dict[str, object]:
    """{language: live page} for the page and each of its live translations."""
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    return {
        translation.locale.language_code: translation for translation in translations
    }


def materialise_deliveries(mailing: Mailing, languages: list[str] | None = None) -> int:
    """INSERT ... SELECT one queued row per recipient, in the database, in one statement.

    Each row carries the recipient's own language (one of ``languages``, by default
    every site language; anything else reads the default one): the e-mail's fixed text
    is always in it, the content where the page is translated. ON CONFLICT makes a
    second run add nothing.
    """
    default = settings.LANGUAGE_CODE
    languages = list(languages or [code for code, _name in settings.LANGUAGES])
    rows = (
        mailing_audience(mailing)
        .order_by()
        .annotate(
            row_mailing=Cast(Value(mailing.pk), IntegerField()),
            row_subscriber=F("pk"),
            row_language=Case(
                When(language__in=languages, then=F("language")), default=Value(default)
            ),
        )
        .values_list("row_mailing", "row_subscriber", "row_language")
    )
    select_sql, params = rows.query.sql_with_params()
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (mailing_id, subscriber_id, language) {select_sql} "
            "ON CONFLICT (mailing_id, subscriber_id) DO NOTHING",
            params,
        )
    return Delivery.objects.filter(mailing=mailing).count()


def render_snapshot(
    mailing: Mailing, pages: dict[str, object], languages: set[str]
) -> None:
    """Render the live revision once per reader language; later edits change nothing
    sent. A language the page lacks gets the default-language content in its chrome."""
    for language in sorted(languages):
        page = pages.get(language) or pages[settings.LANGUAGE_CODE]
        revision = page.live_revision
        _render(
            mailing.pk, language, revision.as_object() if revision else page, revision
        )


def _render(mailing_id: int, language: str, snapshot, revision) -> None:
    from cms.email.rendering import render_email

    rendered = render_email(
        snapshot, language=language, base_url=settings.WAGTAILADMIN_BASE_URL
    )
    MailingRendition.objects.update_or_create(
        mailing_id=mailing_id,
        language=language,
        defaults={
            "content_language": rendered.content_language,
            "machine_tool": rendered.machine_tool[:100],
            "revision": revision,
            "subject": rendered.subject[:255],
            "preheader": rendered.preheader[:255],
            "html": rendered.html,
            "text": rendered.text,
        },
    )


def hold_for_later(mailing: Mailing, pages: dict[str, object], languages) -> None:
    """A pending rendition (no HTML yet) for each of ``languages``, pinned to the
    revision live now: rendered right after the first readers' batch, it still shows
    the page as it was when the send started."""
    for language in languages:
        page = pages.get(language) or pages[settings.LANGUAGE_CODE]
        MailingRendition.objects.update_or_create(
            mailing=mailing,
            language=language,
            defaults={"revision": page.live_revision, "subject": "", "html": ""},
        )


def render_pending(*, mailing_id: int) -> int:
    """Render the languages whose rendition is still pending; returns how many.

    Safe to run twice and side by side (two send chains): each pending row is locked
    while it is rendered, and rendered once.
    """
    from wagtail.models import Revision

    pages = None
    done = 0
    pending = MailingRendition.objects.filter(mailing_id=mailing_id, html="")
    for language in pending.order_by("language").values_list("language", flat=True):
        with transaction.atomic():
            row = (
                MailingRendition.objects.select_for_update()
                .filter(mailing_id=mailing_id, language=language, html="")
                .values_list("revision_id", flat=True)
            )
            if not row:
                continue  # rendered meanwhile
            revision = Revision.objects.filter(pk=row[0]).first() if row[0] else None
            if revision is not None:
                snapshot = revision.as_object()
            else:
                if pages is None:
                    page = Mailing.objects.get(pk=mailing_id).page.specific
                    pages = page_languages(page)
                    pages.setdefault(settings.LANGUAGE_CODE, page)
                snapshot = pages.get(language) or pages[settings.LANGUAGE_CODE]
            _render(mailing_id, language, snapshot, revision)
            done += 1
    return done


def readers_by_language(mailing: Mailing) -> dict[str, int]:
    rows = (
        Delivery.objects.filter(mailing=mailing)
        .order_by()
        .values_list("language")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def start_mailing(*, mailing_id: int) -> int:
    """Snapshot, materialise and begin sending a mailing claimed as STARTING.

    Returns the number of recipients. Safe to run twice, even side by side (the upkeep
    re-queues a start it takes for lost): one run at a time holds the mailing's row,
    another returns at once; renditions are upserted, deliveries inserted with ON
    CONFLICT DO NOTHING, the state moves on and the send chains are queued only once.
    """
    mailing = Mailing.objects.select_related("page").get(pk=mailing_id)
    if mailing.status != Mailing.Status.STARTING:
        return mailing.recipients_count
    if mailing.send_by and timezone.now() > mailing.send_by:
        from .control import mark_stale

        mark_stale(mailing_id=mailing_id)
        return 0
    page = mailing.page.specific
    pages = page_languages(page)
    if settings.LANGUAGE_CODE not in pages:
        pages[settings.LANGUAGE_CODE] = page  # the page itself is the fallback
    with transaction.atomic():
        if not _hold_for_start(mailing_id):
            return mailing.recipients_count
        count = materialise_deliveries(mailing)
        readers = readers_by_language(mailing)
        languages = set(readers)
        # The language with the most readers is rendered now; the others after its
        # first batch has gone out (sending.send_batch): a rally alert's first readers
        # wait for one render, not six.
        order = sorted(readers, key=lambda code: (-readers[code], code))
        later = order[1:]
        render_snapshot(mailing, pages, set(order[:1]))
        hold_for_later(mailing, pages, later)
        Mailing.objects.filter(pk=mailing_id).update(
            status=Mailing.Status.SENDING,
            started_at=timezone.now(),
            last_progress_at=timezone.now(),
            recipients_count=count,
        )
        transaction.on_commit(lambda: enqueue_send_batches(mailing_id=mailing_id))
    logger.info(
        "mailing %s started: %s recipients, languages %s",
        mailing_id,
        count,
        sorted(languages),
    )
    return count


def _hold_for_start(mailing_id: int) -> bool:
    """Lock the mailing's row for this transaction if it is still STARTING and no other
    run holds it. SKIP LOCKED: a second run does not wait for the first (and tie up a
    worker of the lane) but leaves. (SQLite has no row locks: it writes one at a time.)
    """
    return bool(
        Mailing.objects.select_for_update(skip_locked=True)
        .filter(pk=mailing_id, status=Mailing.Status.STARTING)
        .values_list("pk", flat=True)
    )


def enqueue_send_batches(*, mailing_id: int, parallel: int | None = None) -> None:
    """Start (or restart) the mailing's chains of send tasks on its lane's queue."""
    from campaigns.mailings.tasks import send_batch_task

    lane = Mailing.objects.values_list("lane", flat=True).get(pk=mailing_id)
    for _ in range(parallel or settings.MAILING_PARALLEL_BATCHES):
        send_batch_task.apply_async((mailing_id,), queue=lane)


def dispatch_due_mailings() -> list[int]:
    """Claim scheduled mailings whose time has come and start them; each exactly once.

    The claim is a conditional UPDATE, so two beat processes cannot both win a mailing.
    """
    from campaigns.mailings.tasks import start_mailing_task

    due = Mailing.objects.filter(
        status=Mailing.Status.SCHEDULED, scheduled_at__lte=timezone.now()
    ).values_list("pk", "lane")
    started = []
    for mailing_id, lane in due:
        won = Mailing.objects.filter(
            pk=mailing_id, status=Mailing.Status.SCHEDULED
        ).update(status=Mailing.Status.STARTING, last_progress_at=timezone.now())
        if won:
            start_mailing_task.apply_async((mailing_id,), queue=lane)
            started.append(mailing_id)
    return started
