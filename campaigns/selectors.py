"""Read queries for campaign pages, widgets and reports."""

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.functions import TruncDay, TruncHour, TruncMinute
from django.utils import translation

from campaigns.models import Campaign, Counter, Milestone, PetitionPage, Signature
from cms.process_memo import ProcessMemo

# A burst of signers asks for the same page hundreds of times a second: each process
# keeps it instead of querying it per signature. Publishing, unpublishing or editing
# the campaign, or changing a view restriction, is seen by every process on its next
# request (cms.process_memo). The token is a database row, so a signature checks it in
# its own statement (``petition_copy``, campaigns.services.counters.sign_and_count).
_petitions = ProcessMemo("campaigns:petitions", in_database=True)
PETITIONS_TOKEN = _petitions.token_key


def live_petition(*, page_id: int) -> PetitionPage | None:
    """The live petition page with its campaign and locale, or None; memoised. Its
    view restrictions (its own and its ancestors') come with it, as
    ``memo_restrictions``: whoever acts on it refuses a reader they do not accept."""
    return _petitions.get(page_id, lambda: _load_live_petition(page_id))


def _load_live_petition(page_id: int) -> PetitionPage | None:
    page = (
        PetitionPage.objects.live()
        .select_related("campaign", "locale")
        .filter(pk=page_id)
        .first()
    )
    if page is not None:
        page.campaign.offered_list_ids  # noqa: B018 (loaded now, kept with the page)
        page.memo_url = page.url
        page.memo_restrictions = list(page.get_view_restrictions())
    return page


def petition_copy(*, page_id: int) -> tuple[object, PetitionPage | None] | None:
    """(token, page) as this process last looked the petition up, without checking the
    token now; None when it has no recent copy. A write acting on the page checks the
    token where it writes (``petition_is_current`` or in its own statement)."""
    return _petitions.copy(page_id)


def petition_is_current(token) -> bool:
    """No petition or campaign changed since a copy was checked against ``token``."""
    return _petitions.is_current(token)


def forget_petitions() -> None:
    """Petitions or their campaigns changed: every process looks them up again."""
    _petitions.forget()


def clear_petition_copies() -> None:
    """This process forgets its copies (tests: rolled-back rows reuse page ids)."""
    _petitions.clear_copies()


def petition_in(page: PetitionPage, *, language: str) -> PetitionPage:
    """The petition as a reader of ``language`` has it: its live version in that
    language, else the default language's (what an untranslated page shows), else
    the page signed. A partner's widget or the partner API may sign a person on the
    English page in their own language: their e-mail and confirmation page name the
    petition as published in theirs."""
    if page.locale.language_code == language:
        return page
    versions = {
        version.locale.language_code: version
        for version in PetitionPage.objects.live()
        .filter(
            translation_key=page.translation_key,
            locale__language_code__in=[language, settings.LANGUAGE_CODE],
        )
        .select_related("locale")
    }
    return versions.get(language) or versions.get(settings.LANGUAGE_CODE) or page


def petition_title(page: PetitionPage, *, language: str) -> str:
    """The title of ``petition_in(page, language=language)``."""
    return petition_in(page, language=language).title


def counter_value(*, campaign_id: int, kind: str = Counter.Kind.SIGNATURES) -> int:
    """The counter's current value (0 before anything was counted)."""
    value = (
        Counter.objects.filter(campaign_id=campaign_id, kind=kind)
        .values_list("value", flat=True)
        .first()
    )
    return value or 0


def petition_summary(*, campaign: Campaign) -> dict:
    """Count, goal (stepping up past each threshold), progress and milestone timeline."""
    count = counter_value(campaign_id=campaign.pk)
    goal = campaign.goal_for(count)
    return {
        "signature_count": count,
        "signature_goal": goal,
        "signature_percent": min(100, round(count * 100 / goal)) if goal else 100,
        "milestones": list(
            Milestone.objects.filter(
                campaign=campaign, counter=Counter.Kind.SIGNATURES
            ).order_by("-threshold")
        ),
    }


def counted_signatures(*, campaign_id: int):
    """Signatures that count (verified), oldest first."""
    return Signature.objects.filter(
        campaign_id=campaign_id, status=Signature.Status.VERIFIED
    ).order_by("verified_at", "pk")


def signatures_by_zip(*, campaign_id: int) -> list[dict]:
    """Counted signatures per ZIP code, largest first; no ZIP grouped as ''."""
    return list(
        counted_signatures(campaign_id=campaign_id)
        .order_by()
        .values("zip_code")
        .annotate(total=Count("pk"))
        .order_by("-total", "zip_code")
    )


def count_over_time(*, campaign_id: int) -> list[tuple]:
    """(time, cumulative count) points: per minute for the first hours, hourly for a
    short campaign, daily otherwise; each point at the last signature it counts.

    A bucket's start was the point's time: on launch day the whole hour's count stood
    at the top of the hour, before the campaign existed and ahead of the milestones the
    same chart marks when they were reached.
    """
    rows = counted_signatures(campaign_id=campaign_id)
    first = rows.values_list("verified_at", flat=True).first()
    last = rows.order_by("-verified_at").values_list("verified_at", flat=True).first()
    if first is None:
        return []
    span = last - first
    if span.days >= 3:
        bucket = TruncDay
    elif span.total_seconds() >= 6 * 3600:
        bucket = TruncHour
    else:
        bucket = TruncMinute
    buckets = (
        rows.order_by()
        .annotate(bucket=bucket("verified_at"))
        .values("bucket")
        .annotate(total=Count("pk"), until=Max("verified_at"))
        .order_by("bucket")
    )
    points, running = [], 0
    for row in buckets:
        running += row["total"]
        points.append((row["until"], running))
    return points


def campaign_titles(campaigns, *, language: str, pages=None) -> dict[int, str]:
    """Each campaign's name in ``language``, by pk: the title of its first live
    petition's live translation in that language (the campaign's own name is written
    once, in the default language), else its name. Two queries for any number of
    campaigns. ``pages``: the petition pages that may give a title (default: every
    live one)."""
    titles = {campaign.pk: campaign.name for campaign in campaigns}
    if not titles or language == settings.LANGUAGE_CODE:
        return titles
    pages = PetitionPage.objects.live() if pages is None else pages
    first_keys = {}
    for campaign_id, key in (
        PetitionPage.objects.live()
        .filter(campaign_id__in=titles)
        .order_by("campaign_id", "pk")
        .values_list("campaign_id", "translation_key")
    ):
        first_keys.setdefault(campaign_id, key)
    translated = dict(
        pages.filter(
            translation_key__in=first_keys.values(),
            locale__language_code=language,
        ).values_list("translation_key", "title")
    )
    for campaign_id, key in first_keys.items():
        if key in translated:
            titles[campaign_id] = translated[key]
    return titles


def nearest_milestones(*, limit: int = 5) -> list[dict]:
    """Campaigns with a live petition, nearest their next signature milestone first:
    [{campaign, title, count, next, to_go, percent}] (percent of the way from the last
    one; title: the campaign's name in the active language, the admin's)."""
    campaigns = list(Campaign.objects.filter(petition_pages__live=True).distinct())
    values = dict(
        Counter.objects.filter(
            campaign__in=campaigns, kind=Counter.Kind.SIGNATURES
        ).values_list("campaign_id", "value")
    )
    rows = []
    for campaign in campaigns:
        count = values.get(campaign.pk, 0)
        thresholds = campaign.thresholds
        upcoming = [threshold for threshold in thresholds if threshold > count]
        if not upcoming:
            continue
        target = upcoming[0]
        previous = max((t for t in thresholds if t <= count), default=0)
        rows.append(
            {
                "campaign": campaign,
                "count": count,
                "next": target,
                "to_go": target - count,
                "percent": round((count - previous) * 100 / (target - previous)),
            }
        )
    rows.sort(key=lambda row: (row["to_go"] / row["next"], row["to_go"]))
    rows = rows[:limit]
    titles = campaign_titles(
        [row["campaign"] for row in rows], language=translation.get_language()
    )
    for row in rows:
        row["title"] = titles[row["campaign"].pk]
    return rows
