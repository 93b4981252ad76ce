"""Every public "Language for our e-mails" chooser marks each option with its own
language (WCAG 3.1.2), as the language switcher marks its links: a screen reader reads
"العربية" with an Arabic voice on a Polish page, not spelt out with a Polish one."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from cms import bidi
from subscribers import tokens
from subscribers.models import SignupPage
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_petition_page,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


class Options(HTMLParser):
    """The attributes of each <option> of the <select> called ``name``."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.options: list[dict] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._inside = attrs.get("name") == self.name
        elif tag == "option" and self._inside:
            self.options.append(attrs)

    def handle_endtag(self, tag):
        if tag == "select":
            self._inside = False


@pytest.fixture
def choosers(home_page):
    cache.clear()  # rate limits
    listing = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory()
    campaign.default_lists.add(listing)
    petition = build_petition_page(home_page, campaign)
    subscriber = make_subscriber("ana@example.org", language="pl")
    preferences = tokens.preferences_url(subscriber.pk).split("://", 1)[1]
    return {
        "signup": (f"/pl{signup.url}", "language"),
        "signup widget": (f"/pl/subscribers/embed/{signup.pk}/", "language"),
        "preferences": (preferences[preferences.index("/") :], "language"),
        "petition": (f"/pl{petition.url}", "list_language"),
        "petition widget": (
            "/pl" + reverse("campaigns:embed", args=[petition.pk]),
            "list_language",
        ),
    }


@pytest.mark.parametrize(
    "form", ["signup", "signup widget", "preferences", "petition", "petition widget"]
)
def test_each_language_option_is_marked_with_its_language(client, choosers, form):
    url, name = choosers[form]

    response = client.get(url)

    assert response.status_code == 200
    assert 'lang="pl"' in response.content.decode()  # the page is Polish
    parser = Options(name)
    parser.feed(response.content.decode())
    marked = {
        option["value"]: (option.get("lang"), option.get("dir"))
        for option in parser.options
    }
    # Urdu, added by a city, is marked as Arabic is: Django knows the direction.
    expected = {
        code: (code, "rtl" if bidi.is_rtl(code) else None)
        for code, _ in settings.LANGUAGES
    }
    assert expected["ar"] == ("ar", "rtl")
    assert marked == expected
