"""Test data builders."""

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from subscribers.models import MailingList, Subscriber


def build_home_page() -> HomePage:
    for code in ("en", "es", "hi", "zh-hans", "ar", "pl"):
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
    }
    page = home.add_child(
        instance=PetitionPage(campaign=campaign, **{**defaults, **fields})
    )
    page.save_revision().publish()
    return page
