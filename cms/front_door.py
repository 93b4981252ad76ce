"""What the home page shows a newcomer, in their language: the latest bulletin, the next
events, the open petitions with their counts, and where to join.

The home page is where every app meets, so this selector reads their pages (imported
where used: the apps' models import ``cms``). A page not yet translated into the
reader's language is offered in the default language rather than left out.
"""

from django.utils import timezone
from wagtail.models import Locale

from cms.routing import public_pages

NEXT_EVENTS = 3
OPEN_PETITIONS = 3


def localized_pages(model, locale: Locale, default: Locale | None = None):
    """Public live pages of ``model`` in ``locale``, plus default-locale ones not
    translated (a restricted translation hides its story in its language)."""
    live = model.objects.live().filter(locale=locale)
    own = public_pages(live)
    default = default or Locale.get_default()
    if locale.pk == default.pk:
        return own.select_related("locale")
    untranslated = public_pages(
        model.objects.live()
        .filter(locale=default)
        .exclude(translation_key__in=live.values("translation_key"))
    )
    return (own | untranslated).select_related("locale")


def front_door(locale: Locale) -> dict:
    """Context for the home page: each value is None or empty when there is nothing."""
    from campaigns.models import PetitionPage
    from campaigns.selectors import petition_summary
    from cms.models import BulletinIndexPage, BulletinPage
    from events.models import EventIndexPage, EventPage
    from subscribers.models import SignupPage

    default = Locale.get_default()

    def pages(model):
        return localized_pages(model, locale, default)

    petitions = list(
        pages(PetitionPage).select_related("campaign").order_by("path")[:OPEN_PETITIONS]
    )
    return {
        "latest_bulletin": pages(BulletinPage)
        .order_by("-date", "-first_published_at")
        .first(),
        "bulletin_index": pages(BulletinIndexPage).first(),
        "next_events": list(
            pages(EventPage)
            .filter(end__gte=timezone.now(), cancelled=False)
            .order_by("start")[:NEXT_EVENTS]
        ),
        "event_index": pages(EventIndexPage).first(),
        "petitions": [
            {"page": page, **petition_summary(campaign=page.campaign)}
            for page in petitions
        ],
        "join_page": pages(SignupPage).order_by("path").first(),
    }
