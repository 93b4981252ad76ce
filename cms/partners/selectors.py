"""Read queries for the partner API: counts by default, people only for exports."""

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import translation

from campaigns.models import Campaign, Counter, Milestone, PetitionPage
from campaigns.selectors import campaign_titles, counter_value
from cms.routing import public_pages
from events.models import EventPage, Rsvp
from subscribers.models import MailingList, Subscriber, Subscription, Suppression

from .models import ApiKey, PartnerConsent

PEOPLE_PER_PAGE = 100


def _absolute(url: str | None) -> str:
    return settings.WAGTAILADMIN_BASE_URL + (url or "/")


def _milestones(campaign_id: int, counter: str | None = None) -> list[dict]:
    rows = Milestone.objects.filter(campaign_id=campaign_id)
    if counter:
        rows = rows.filter(counter=counter)
    return [
        {
            "counter": row.counter,
            "threshold": row.threshold,
            "reached_at": row.reached_at,
        }
        for row in rows.order_by("reached_at", "threshold")
    ]


def scoped_lists(key: ApiKey):
    """The lists this key may work with."""
    return MailingList.objects.filter(pk__in=key.list_ids).order_by("name")


# Counts below this are shown as null: a cell of one or two people names them to
# anyone who knows a little about the list.
SMALL_CELL = 5


def list_summaries(lists, *, key: ApiKey) -> list[dict]:
    """Counts per list a key may read: confirmed, and confirmed per language.

    Nothing a key's own POST changes for a newcomer but not for a member may show
    here, or the key could learn who is on a list: so no pending count (a signup
    makes a newcomer pending at once), and people this partner added as confirmed
    are left out (its signup_confirmed confirms only newcomers). Small counts are
    null."""
    counts = _confirmed_by_language(lists, partner=key.partner)
    summaries = []
    for mailing_list in lists:
        by_language = counts.get(mailing_list.pk, {})
        summaries.append(
            {
                "id": mailing_list.pk,
                "name": mailing_list.name,
                "description": mailing_list.description,
                "total_confirmed": _shown(sum(by_language.values())),
                "confirmed_by_language": _suppress_small_cells(by_language),
            }
        )
    return summaries


def _confirmed_by_language(lists, *, partner: str) -> dict[int, dict[str, int]]:
    added_by_partner = PartnerConsent.objects.filter(
        subscriber_id=OuterRef("subscriber_id"),
        mailing_list_id=OuterRef("mailing_list_id"),
        partner=partner,
    )
    rows = (
        Subscription.objects.filter(
            mailing_list__in=lists, status=Subscription.Status.CONFIRMED
        )
        .exclude(Exists(added_by_partner))
        .values("mailing_list_id", language=F("subscriber__language"))
        .annotate(total=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["mailing_list_id"], {})[row["language"]] = row["total"]
    return counts


def _shown(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


def _suppress_small_cells(by_language: dict[str, int]) -> dict[str, int | None]:
    shown = {language: _shown(count) for language, count in sorted(by_language.items())}
    hidden = [language for language, count in shown.items() if count is None]
    if len(hidden) == 1 and len(shown) > 1:
        # One hidden cell is the total minus the others: hide the next smallest too.
        next_smallest = min(
            (language for language in shown if shown[language] is not None),
            key=lambda language: shown[language],
        )
        shown[next_smallest] = None
    return shown


def scoped_campaigns(key: ApiKey):
    return Campaign.objects.filter(pk__in=key.campaign_ids).order_by("name")


def campaign_summaries(campaigns) -> list[dict]:
    """Each campaign's counters, goal and milestones, named in the active language
    (the partner's Accept-Language) by its public petition published in it."""
    campaigns = list(campaigns)
    titles = campaign_titles(
        campaigns,
        language=translation.get_language(),
        pages=public_pages(PetitionPage.objects.live()),
    )
    return [
        campaign_summary(campaign, title=titles[campaign.pk]) for campaign in campaigns
    ]


def campaign_summary(campaign: Campaign, *, title: str) -> dict:
    """A campaign's counters, goal and milestones."""
    return {
        "id": campaign.pk,
        "title": title,
        "goal": campaign.goal,
        "total_signatures": counter_value(campaign_id=campaign.pk),
        "total_signups": counter_value(
            campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS
        ),
        "milestones": _milestones(campaign.pk),
    }


def scoped_petitions(key: ApiKey):
    """Public live petition pages (every translation) of the key's campaigns."""
    return (
        public_pages(PetitionPage.objects.live())
        .filter(campaign_id__in=key.campaign_ids)
        .select_related("campaign", "locale")
        .order_by("pk")
    )


def petition_summary(page: PetitionPage) -> dict:
    """A petition with its campaign's signature count, goal and milestones."""
    count = counter_value(campaign_id=page.campaign_id)
    return {
        "id": page.pk,
        "title": page.title,
        "petition_text": page.statement,
        "target": [{"name": page.target}],
        "language": page.locale.language_code,
        "campaign": page.campaign_id,
        "total_signatures": count,
        "goal": page.campaign.goal_for(count),
        "browser_url": _absolute(page.url),
        "milestones": _milestones(page.campaign_id, Counter.Kind.SIGNATURES),
    }


def scoped_events(key: ApiKey):
    """Public live events of the key, with their translations (RSVPs are shared)."""
    keys = EventPage.objects.filter(pk__in=key.event_ids).values("translation_key")
    return (
        public_pages(EventPage.objects.live())
        .filter(translation_key__in=keys)
        .order_by("start")
    )


def event_summary(event: EventPage) -> dict:
    """An event's times, status and attendance counts (never the hidden address)."""
    canonical = event.canonical()
    counts = dict(
        Rsvp.objects.filter(event=canonical)
        .values_list("status")
        .annotate(total=Count("pk"))
    )
    return {
        "id": event.pk,
        "title": event.title,
        "start_date": event.start,
        "end_date": event.end,
        "status": "cancelled" if event.cancelled else "confirmed",
        "capacity": canonical.capacity,
        "total_accepted": counts.get(Rsvp.Status.CONFIRMED, 0),
        "total_waitlisted": counts.get(Rsvp.Status.WAITLISTED, 0),
        # Asked but not yet confirmed by e-mail (confirm_by_email): a partner whose
        # attendances were all accepted (202) saw none of them counted anywhere.
        "total_pending": counts.get(Rsvp.Status.PENDING, 0),
        "confirm_by_email": canonical.confirm_by_email,
        "places_left": event.places_left(),
        "rsvp_open": canonical.rsvp_open(),
        "browser_url": _absolute(event.url),
    }


def people_on_list(*, list_id: int, page: int) -> tuple[list[dict], int]:
    """One page of the people confirmed on a list and not suppressed, and the total."""
    suppressed = Suppression.objects.filter(
        email_hash=OuterRef("subscriber__email_hash")
    )
    rows = (
        Subscription.objects.filter(
            Q(mailing_list_id=list_id) & Q(status=Subscription.Status.CONFIRMED)
        )
        .exclude(Exists(suppressed))
        .select_related("subscriber")
        .order_by("pk")
    )
    total = rows.count()
    start = (page - 1) * PEOPLE_PER_PAGE
    people = [
        person_data(row.subscriber, subscribed_at=row.consented_at)
        for row in rows[start : start + PEOPLE_PER_PAGE]
    ]
    return people, total


def person_data(subscriber, *, subscribed_at=None) -> dict:
    """A subscriber as OSDI-style JSON: for exports and export-scoped webhooks only."""
    return {
        "id": subscriber.pk,
        "name": subscriber.name or "",
        "email_addresses": [{"address": subscriber.email, "primary": True}],
        "postal_addresses": (
            [{"postal_code": subscriber.zip_code}] if subscriber.zip_code else []
        ),
        "languages_spoken": [subscriber.language],
        "subscribed_at": subscribed_at,
    }


def stored_language(email: str) -> str | None:
    """The language a known address chose, or None for an address we do not know."""
    return (
        Subscriber.objects.with_email(email).values_list("language", flat=True).first()
    )
