"""A public form that failed says so to a screen reader (accessibility audit, L2): the
page's title starts with "Error:" in the reader's language, a summary comes first in
the form, and focus lands on the first field with an error (``autofocus``: the CSP
allows no inline script), or on the summary when no field has one."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from subscribers import tokens
from subscribers.models import SignupPage
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
    make_subscriber,
)
from tests.languages import said

pytestmark = pytest.mark.django_db

BAD = {"email": "bad", "name": "A1", "website": ""}
ERROR_PREFIX = {"en": "Error: ", "ar": "خطأ: "}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.in_title = False
        self.focused: list[dict] = []
        self.summaries: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs) | {"tag": tag}
        self.in_title = tag == "title"
        if "autofocus" in attrs:
            self.focused.append(attrs)
        if "form-error" in (attrs.get("class") or "").split():
            self.summaries.append(attrs)

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def parsed(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    return page


def in_readers_words(title: str, language: str) -> str:
    """A page's <title> with the office named in the reader's language, as a title
    starting with the reader's "Error:" or "Signed:" names it; an untranslated page's
    own <title> is English throughout (cms.templatetags.reader.title_language)."""
    office = "Office of New Americans"
    return title.replace(f" · {office}", f" · {said(language, office)}")


def in_language(url: str, language: str) -> str:
    return url if language == "en" else f"/{language}{url}"


@pytest.fixture
def forms(home_page):
    cache.clear()  # rate limits
    listing = MailingListFactory(name="Legal Protection/Services", slug="legal")
    MailingListFactory(name="Community Outreach/Education", slug="outreach")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    event = build_event(rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())
    # The mailed link: its page has the erase form too.
    preferences = tokens.mailed_preferences_url(
        make_subscriber("ana@example.org").pk, generation=0
    ).removeprefix("http://127.0.0.1:8000")
    return {
        # name: (url, bad data, the field focus goes to)
        "signup": (
            signup.url,
            {**BAD, "lists": [listing.pk], "language": "ar"},
            "email",
        ),
        "signup (list first)": (signup.url, {**BAD, "language": "ar"}, "lists"),
        "rsvp": (f"/_events/{event.pk}/rsvp/", BAD, "name"),
        "petition": (petition.url, {**BAD, "zip_code": ""}, "name"),
        "preferences": (preferences, {"action": "save", "lists": ["x"]}, "lists"),
        "erase": (preferences, {"action": "erase"}, "confirm"),
    }


FORMS = ["signup", "signup (list first)", "rsvp", "petition", "preferences", "erase"]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("form", FORMS)
def test_a_failed_form_says_so_in_the_title_and_focuses_its_first_error(
    client, forms, form, language
):
    url, data, first_error = forms[form]
    url = in_language(url, language)
    shown = parsed(client.get(url))
    assert not shown.title.startswith(ERROR_PREFIX[language])
    assert not shown.focused
    assert not shown.summaries

    failed = parsed(client.post(url, data))

    assert failed.title.startswith(ERROR_PREFIX[language]), failed.title
    assert failed.title.removeprefix(ERROR_PREFIX[language]) == in_readers_words(
        shown.title, language
    )
    # One element: a group of checkboxes had autofocus on every box (invalid HTML,
    # two or more per page; the browser took the first).
    assert [element["name"] for element in failed.focused] == [first_error]
    assert all(element["aria-invalid"] == "true" for element in failed.focused)
    [summary] = failed.summaries
    assert (summary["role"], summary["tabindex"]) == ("alert", "-1")


def test_the_summary_takes_focus_when_no_field_has_an_error(client, home_page):
    """The petition widget's expired form: an error of the form, not of a field."""
    cache.clear()
    petition = build_petition_page(home_page, CampaignFactory())
    url = f"/ar/petitions/embed/{petition.pk}/"
    data = {"name": "Ana", "email": "ana@example.org", "form_token": "expired"}

    failed = parsed(client.post(url, data))

    assert failed.title.startswith(ERROR_PREFIX["ar"])
    [summary] = failed.summaries
    assert failed.focused == [summary]
