"""Read queries for mailings: who is in an audience, and how a send is going."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from subscribers.models import MailingList, Subscriber, Subscription, Suppression

from .models import Delivery, Mailing


def audience_subscribers(
    *, list_ids: Iterable[int], languages: Iterable[str] = (), zip_prefix: str = ""
) -> QuerySet[Subscriber]:
    """Confirmed on any of the lists, not suppressed; each person once however many lists."""
    confirmed = Subscription.objects.filter(
        subscriber=OuterRef("pk"),
        mailing_list_id__in=list(list_ids),
        status=Subscription.Status.CONFIRMED,
    )
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    audience = Subscriber.objects.filter(Exists(confirmed)).filter(~Exists(suppressed))
    languages = list(languages)
    if languages:
        audience = audience.filter(language__in=languages)
    if zip_prefix:
        audience = audience.filter(zip_code__startswith=zip_prefix)
    return audience


def lists_reaching(
    *, mailing_id: int, subscriber_ids: Iterable[int]
) -> dict[int, list[MailingList]]:
    """Per subscriber, the mailing's lists they are confirmed on (names prefetched in
    every language): why the message reaches them, and nothing of their other lists."""
    lists = {
        item.pk: item
        for item in MailingList.objects.filter(mailings__pk=mailing_id)
        .with_translations()
        .order_by("name")
    }
    reaching: dict[int, list[MailingList]] = {}
    rows = Subscription.objects.filter(
        subscriber_id__in=list(subscriber_ids),
        mailing_list_id__in=list(lists),
        status=Subscription.Status.CONFIRMED,
    ).values_list("subscriber_id", "mailing_list_id")
    for subscriber_id, list_id in rows:
        reaching.setdefault(subscriber_id, []).append(lists[list_id])
    return reaching


def mailing_audience(mailing: Mailing) -> QuerySet[Subscriber]:
    from events.selectors import without_told_guests

    audience = audience_subscribers(
        list_ids=mailing.lists.values_list("pk", flat=True),
        languages=mailing.languages,
        zip_prefix=mailing.zip_prefix,
    )
    # An event's guests hear of an update or cancellation from their own message
    # (with the calendar update), not a second time from the list alert.
    return without_told_guests(audience, alert_page_id=mailing.page_id)


def audience_size_by_language(**audience) -> dict[str, int]:
    """{language: people} for an audience, for the admin's "who will get this" line."""
    rows = (
        audience_subscribers(**audience)
        .order_by()
        .values("language")
        .annotate(people=Count("pk"))
    )
    return {row["language"]: row["people"] for row in rows}


# Statuses of messages the provider has taken (whatever happened to them next).
HANDED_OVER = ("sent", "delivered", "bounced", "complained")


def handed_over(counts: dict[str, int]) -> int:
    """Messages sent so far, from ``delivery_counts``: later tracking statuses count."""
    return sum(counts.get(status, 0) for status in HANDED_OVER)


def handed_over_by_mailing(mailing_ids) -> dict[int, int]:
    """``handed_over`` of each mailing, in one query for a whole listing."""
    rows = (
        Delivery.objects.filter(
            mailing_id__in=list(mailing_ids), status__in=HANDED_OVER
        )
        .order_by()
        .values("mailing_id")
        .annotate(n=Count("pk"))
    )
    return {row["mailing_id"]: row["n"] for row in rows}


def delivery_counts(mailing_id: int) -> dict[str, int]:
    rows = (
        Delivery.objects.filter(mailing_id=mailing_id)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def deliveries_waiting_by_lane() -> dict[str, int]:
    """Deliveries queued or being sent, per lane (mailings that are still going)."""
    rows = (
        Delivery.objects.filter(
            status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
        )
        .values("mailing__lane")
        .annotate(count=Count("pk"))
    )
    return {row["mailing__lane"]: row["count"] for row in rows}


def stuck_after(lane: str) -> int:
    """Seconds without progress after which a starting or sending mailing is stuck."""
    from django.conf import settings

    if lane == Mailing.Lane.ALERTS:
        return settings.HEALTH_ALERT_STUCK_AFTER
    return settings.HEALTH_MAILING_STUCK_AFTER


def mailings_without_progress() -> list[dict]:
    """Mailings starting or sending with no progress for longer than their lane allows,
    oldest first: id, title, lane, status and the seconds since their last progress.
    The upkeep's re-queues are no progress (they are stamped apart, in restarted_at).
    A mailing the provider's failures paused (it has a probe due) is counted too: it is
    waiting on nobody but the provider. One paused by staff is not."""
    from django.db.models import Q
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    now = timezone.now()
    late = Q()
    for lane in Mailing.Lane.values:
        limit = now - timezone.timedelta(seconds=stuck_after(lane))
        late |= Q(lane=lane, progress_at__lt=limit)
    rows = (
        Mailing.objects.filter(
            Q(status__in=[Mailing.Status.STARTING, Mailing.Status.SENDING])
            | Q(status=Mailing.Status.PAUSED, probe_at__isnull=False)
        )
        .annotate(progress_at=Coalesce("last_progress_at", "created_at"))
        .filter(late)
        .order_by("progress_at")
        .values("pk", "page__title", "lane", "status", "progress_at")
    )
    return [
        {
            **row,
            "status_label": Mailing.Status(row["status"]).label,
            "quiet_seconds": round((now - row["progress_at"]).total_seconds()),
        }
        for row in rows
    ]


def reader_languages(mailing: Mailing, audience: dict[str, int]) -> list[dict]:
    """One row per language of the audience: its readers, and the content they get
    (their own translation, a machine draft of it, or the default language's text).

    From the snapshot once the mailing started, else from the live translations, each
    with the passages wagtail-localize left in the source language (``untranslated``)
    and where to finish them (``translation_url``).
    """
    from django.conf import settings
    from django.urls import reverse

    from cms.languages import language_label
    from cms.machine_translation import machine_mark
    from cms.translation_progress import untranslated_passages

    from .models import MailingRendition

    renditions = {
        row["language"]: row
        for row in MailingRendition.objects.filter(mailing=mailing).values(
            "language", "content_language", "machine_tool"
        )
    }
    live = {}
    untranslated = {}
    if not renditions:
        page = mailing.page.specific
        for translation in page.get_translations(inclusive=True).live():
            live[translation.locale.language_code] = translation
        untranslated = untranslated_passages(page)
    rows = []
    for code, _name in settings.LANGUAGES:
        people = audience.get(code, 0)
        if code in renditions:
            content = renditions[code]["content_language"] or code
            tool = renditions[code]["machine_tool"]
        elif not renditions:
            page = live.get(code)
            content = code if page is not None else settings.LANGUAGE_CODE
            mark = machine_mark(page) if page is not None else None
            tool = mark.tool_name if mark else ""
        else:
            continue
        left = untranslated.get(code, 0) if code in live else 0
        rows.append(
            {
                "code": code,
                "name": language_label(code),
                "people": people,
                "content_language": content,
                "content_name": language_label(content),
                "translated": content == code,
                "machine_tool": tool,
                "untranslated": left,
                "translation_url": reverse(
                    "wagtailadmin_pages:edit", args=[live[code].pk]
                )
                if left
                else "",
            }
        )
    return rows


def translations_behind(page) -> list[str]:
    """Language codes of the page's live translations last published before the
    default-language page they translate was last published: their readers would get
    the text as it was then (wagtail-localize updates a translation only when someone
    syncs and publishes it). Empty when the default-language page is not live."""
    from django.conf import settings
    from wagtail.models import Locale

    default = Locale.get_default()
    published = {
        translation.locale_id: (
            translation.locale.language_code,
            translation.last_published_at,
        )
        for translation in page.get_translations(inclusive=True)
        .live()
        .select_related("locale")
        .only("locale", "last_published_at")
    }
    _code, source_published = published.pop(default.pk, (None, None))
    if source_published is None:
        return []
    behind = {
        code for code, at in published.values() if at is None or at < source_published
    }
    return [code for code, _name in settings.LANGUAGES if code in behind]


def unpublished_work(page) -> dict:
    """What a send of ``page`` would leave out because nobody published it yet: the
    page's own unpublished changes (``page``), the language codes of its translations
    that exist but are not live (``not_live``: their readers get the default
    language's text), and of live translations with changes saved since their last
    publish (``changed``: a draft revision, or passages a translator saved in
    wagtail-localize's editor, which reach the page only when it is published)."""
    from django.conf import settings
    from wagtail_localize.models import StringTranslation

    not_live, changed = set(), set()
    for translation in page.get_translations().select_related("locale").order_by():
        code = translation.locale.language_code
        if not translation.live:
            not_live.add(code)
        elif translation.has_unpublished_changes or (
            translation.last_published_at is not None
            and StringTranslation.objects.filter(
                locale_id=translation.locale_id,
                context__object_id=page.translation_key,
                updated_at__gt=translation.last_published_at,
            ).exists()
        ):
            changed.add(code)
    ordered = [code for code, _name in settings.LANGUAGES]
    return {
        "page": bool(page.has_unpublished_changes),
        "not_live": [code for code in ordered if code in not_live],
        "changed": [code for code in ordered if code in changed],
    }


# A mailing in one of these has gone out, is going out or will go without another step.
GONE_OR_GOING = (
    Mailing.Status.SCHEDULED,
    Mailing.Status.STARTING,
    Mailing.Status.SENDING,
    Mailing.Status.PAUSED,
    Mailing.Status.SENT,
)


# A scheduled mailing whose audience was nobody when it started (the list emptied, a
# ZIP prefix typed wrong) is marked sent, but it took the page to no one: it is no
# earlier send that a later one would repeat.
REACHED_NOBODY = Q(started_at__isnull=False, recipients_count=0)


def sends_of_page(page_id: int) -> QuerySet[Mailing]:
    """The mailings of the page, or of any of its translations, that went, are going
    or are scheduled to go, oldest first: every reader gets their own language of
    whichever translation is mailed, so a send of the Arabic page reaches the same
    people as the English one did."""
    from django.db.models import Subquery
    from wagtail.models import Page

    key = Page.objects.filter(pk=page_id).values("translation_key")[:1]
    return (
        Mailing.objects.filter(
            page__translation_key=Subquery(key), status__in=GONE_OR_GOING
        )
        .exclude(REACHED_NOBODY)
        .order_by("created_at", "pk")
    )


def sends_about_page(page) -> QuerySet[Mailing]:
    """``sends_of_page``, and for an event the alerts about it (in any of its
    languages): a rally's alert is its send, though it is a page of its own."""
    from cms.models import AlertPage

    alerts = AlertPage.objects.filter(
        event__translation_key=page.translation_key
    ).values("pk")
    return (
        Mailing.objects.filter(
            Q(page__translation_key=page.translation_key) | Q(page_id__in=alerts),
            status__in=GONE_OR_GOING,
        )
        .exclude(REACHED_NOBODY)
        .order_by("created_at", "pk")
    )


def earlier_sends_to_same_lists(mailing: Mailing) -> list[tuple[Mailing, list]]:
    """Other mailings of ``mailing``'s page to any of its lists, each with the lists
    they share (only those: the others may be lists its sender may not see)."""
    list_ids = set(mailing.lists.values_list("pk", flat=True))
    others = (
        sends_of_page(mailing.page_id)
        .filter(lists__in=list_ids)
        .exclude(pk=mailing.pk)
        .distinct()
        .prefetch_related("lists")
    )
    return [
        (other, [each for each in other.lists.all() if each.pk in list_ids])
        for other in others
    ]


def reached_before(mailing: Mailing) -> tuple[int, list[int]]:
    """People of ``mailing``'s audience whom an earlier send of its page (any
    translation) to other lists already handed it to or is handing it to, and the ids
    of those mailings: a person on two lists gets the page twice when it goes to each
    list in a mailing of its own. (Earlier sends to one of the same lists are named
    by ``earlier_sends_to_same_lists``.)"""
    earlier = (
        sends_of_page(mailing.page_id)
        .exclude(pk=mailing.pk)
        .exclude(lists__in=mailing.lists.values("pk"))
        .values("pk")
    )
    reached = Delivery.objects.filter(
        mailing__in=earlier,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING, *HANDED_OVER],
    )
    people = (
        mailing_audience(mailing)
        .filter(Exists(reached.filter(subscriber=OuterRef("pk"))))
        .count()
    )
    if not people:
        return 0, []
    ids = reached.filter(subscriber__in=mailing_audience(mailing)).values_list(
        "mailing_id", flat=True
    )
    return people, sorted(set(ids))


def audience_by_delivery(mailing: Mailing) -> dict[str, int]:
    """{language: people} of a started mailing, from its deliveries."""
    rows = (
        Delivery.objects.filter(mailing=mailing)
        .order_by()
        .values("language")
        .annotate(people=Count("pk"))
    )
    return {row["language"]: row["people"] for row in rows}


def audience_breakdown(
    *, list_ids: Iterable[int], languages: Iterable[str] = (), zip_prefix: str = ""
) -> dict:
    """Who a send would reach now: people in total, per language and per list (a
    person on two of the lists counts under both lists, once in the total)."""
    from subscribers.models import MailingList

    list_ids = list(list_ids)
    audience = audience_subscribers(
        list_ids=list_ids, languages=languages, zip_prefix=zip_prefix
    )
    by_language = dict(
        audience.order_by()
        .values("language")
        .annotate(people=Count("pk"))
        .values_list("language", "people")
    )
    per_list = dict(
        Subscription.objects.filter(
            mailing_list_id__in=list_ids,
            status=Subscription.Status.CONFIRMED,
            subscriber__in=audience,
        )
        .order_by()
        .values("mailing_list_id")
        .annotate(people=Count("pk"))
        .values_list("mailing_list_id", "people")
    )
    lists = MailingList.objects.filter(pk__in=list_ids).order_by("name")
    return {
        "total": sum(by_language.values()),
        "by_language": sorted(by_language.items(), key=lambda item: -item[1]),
        "by_list": [
            (mailing_list, per_list.get(mailing_list.pk, 0)) for mailing_list in lists
        ],
    }


def mailing_breakdown(mailing: Mailing) -> dict:
    return audience_breakdown(
        list_ids=mailing.lists.values_list("pk", flat=True),
        languages=mailing.languages,
        zip_prefix=mailing.zip_prefix,
    )


KIND_CHOICES = [
    ("alert", _("Alert")),
    ("update", _("Alert update")),
    ("cancellation", _("Cancellation")),
    ("bulletin", _("Bulletin")),
    ("event", _("Event")),
    ("other", _("Other page")),
]


def mailing_kinds(mailings) -> dict[int, tuple[str, str]]:
    """{mailing id: (kind, label)}: an alert, its update or cancellation, a bulletin...
    in two queries whatever the number of mailings."""
    from cms.models import AlertPage, BulletinPage
    from events.models import EventPage

    labels = dict(KIND_CHOICES)
    alert_kinds = dict(
        AlertPage.objects.filter(pk__in=[m.page_id for m in mailings]).values_list(
            "pk", "kind"
        )
    )
    by_model = {BulletinPage: "bulletin", EventPage: "event"}
    kinds = {}
    for mailing in mailings:
        if mailing.page_id in alert_kinds:
            kind = alert_kinds[mailing.page_id]
        else:
            model = ContentType.objects.get_for_id(
                mailing.page.content_type_id
            ).model_class()
            kind = by_model.get(model, "other")
        kinds[mailing.pk] = (kind, labels.get(kind, labels["other"]))
    return kinds


def sends_in_progress(mailings) -> list[dict]:
    """Of these mailings, those starting, sending, paused or scheduled, with progress:
    [{mailing, sent, total, percent}], sending first, then by scheduled time."""
    active = [
        mailing
        for mailing in mailings
        if mailing.status
        in {
            Mailing.Status.STARTING,
            Mailing.Status.SENDING,
            Mailing.Status.PAUSED,
            Mailing.Status.SCHEDULED,
        }
    ]
    done = dict(
        Delivery.objects.filter(
            mailing__in=active,
            status__in=HANDED_OVER,
        )
        .order_by()
        .values("mailing_id")
        .annotate(n=Count("pk"))
        .values_list("mailing_id", "n")
    )
    rows = []
    for mailing in active:
        total = mailing.recipients_count
        sent = done.get(mailing.pk, 0)
        rows.append(
            {
                "mailing": mailing,
                "sent": sent,
                "total": total,
                "percent": round(sent * 100 / total) if total else 0,
            }
        )
    order = {
        Mailing.Status.SENDING: 0,
        Mailing.Status.STARTING: 1,
        Mailing.Status.PAUSED: 2,
    }
    return sorted(
        rows,
        key=lambda row: (
            order.get(row["mailing"].status, 3),
            row["mailing"].scheduled_at or row["mailing"].created_at,
        ),
    )
