"""Test data builders."""

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site
from wagtail.users.models import UserProfile

from cms.models import HomePage
from subscribers.models import MailingList, Subscriber
from tests.languages import LANGUAGES


def build_home_page() -> HomePage:
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tree Wagtail's migration made
        root = Page.add_root(
            title="Root", locale=Locale.objects.get(language_code="en")
        )
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        Page.objects.filter(depth=2).delete()
        home = root.add_child(
            instance=HomePage(title="Chicago Is With You", slug="home")
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example.org")
    password = factory.django.Password("correct horse battery staple")


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


def speaking(user, language: str):
    """The user with `language` picked as their admin language in their account."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def staff_member(language: str = "en", **fields):
    """A superuser whose admin speaks `language`."""
    return speaking(SuperuserFactory(**fields), language)


class MailingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingList
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"List {n}")
    slug = factory.Sequence(lambda n: f"list-{n}")


def make_subscriber(email: str, **fields) -> Subscriber:
    subscriber = Subscriber.for_email(email, **fields)
    subscriber.save()
    return subscriber


# --- Bulletins and events (issue 4) -------------------------------------------------
def _page_builders():
    from cms.models import BulletinIndexPage, BulletinPage
    from events.models import EventIndexPage, EventPage

    return BulletinIndexPage, BulletinPage, EventIndexPage, EventPage


def build_bulletin_index(home=None):
    BulletinIndexPage, *_ = _page_builders()
    home = home or build_home_page()
    index = BulletinIndexPage.objects.filter(locale=home.locale).first()
    if index is None:
        index = home.add_child(
            instance=BulletinIndexPage(title="Bulletins", slug="bulletins")
        )
        index.save_revision().publish()
    return index


def stream(*blocks) -> str:
    """StreamField raw JSON from (type, value) pairs whose values are as stored."""
    import json

    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def build_bulletin(index=None, *, title="Important resources", body=(), **fields):
    _, BulletinPage, *_ = _page_builders()
    index = index or build_bulletin_index()
    page = BulletinPage(title=title, body=stream(*body), **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_event_index(home=None):
    *_, EventIndexPage, _ = _page_builders()
    home = home or build_home_page()
    index = EventIndexPage.objects.filter(locale=home.locale).first()
    if index is None:
        index = home.add_child(instance=EventIndexPage(title="Events", slug="events"))
        index.save_revision().publish()
    return index


def build_event(index=None, *, title="Press conference and rally", **fields):
    from datetime import timedelta

    from django.utils import timezone

    *_, EventPage = _page_builders()
    index = index or build_event_index()
    start = fields.pop("start", timezone.now() + timedelta(days=7))
    fields.setdefault("end", start + timedelta(hours=2))
    page = EventPage(title=title, start=start, **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate_page(page, language: str, **fields):
    """Publish a translation of ``page`` (and of its parents when missing)."""
    locale = Locale.objects.get(language_code=language)
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
    translation = translation.specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Campaign"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    goal = 100
    lead_emails = "lead@organizers.example.org\nsecond-lead@organizers.example.org"


def build_petition_page(home, campaign, **fields):
    """A published PetitionPage under ``home`` for ``campaign``."""
    from campaigns.models import PetitionPage

    defaults = {
        "title": "Hate has no place in Chicago",
        "slug": f"petition-{campaign.slug}",
        "target": "Chicago neighbors, leaders, and elected officials",
        "statement": "We support our immigrant neighbors!",
        "why": "<p>Chicago has a proud immigrant and refugee history.</p>",
        # Counted at once, as the tests and benchmarks written before verification
        # became the default expect; tests of verification ask for it.
        "require_verification": False,
    }
    page = home.add_child(
        instance=PetitionPage(campaign=campaign, **{**defaults, **fields})
    )
    page.save_revision().publish()
    return page


def posted(values: dict):
    """A form submission (QueryDict) of ``values``, leaving out those that are None: a
    field the browser did not send."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is not None:
            data[name] = value
    return data
