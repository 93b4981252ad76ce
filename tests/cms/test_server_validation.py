"""Every public form is checked by the server, in the reader's language, not by the
browser in its own (accessibility audit, L3): each posting form has ``novalidate``,
and the erase box's message says what to do."""

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

pytestmark = pytest.mark.django_db


class PostingForms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append(attrs)


def preferences_path() -> str:
    subscriber = make_subscriber("ana@example.org")
    # The full page (with the erase form) is the one reached by a mailed link.
    url = tokens.mailed_preferences_url(subscriber.pk, generation=0)
    return url.removeprefix("http://127.0.0.1:8000")


@pytest.fixture
def pages(home_page):
    cache.clear()  # rate limits
    MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    event = build_event(rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())
    return {
        "signup": signup.url,
        "signup widget": f"/subscribers/embed/{signup.pk}/",
        "petition": petition.url,
        "petition widget": f"/petitions/embed/{petition.pk}/",
        "rsvp": f"/_events/{event.pk}/rsvp/",
        "preferences": preferences_path(),
    }


@pytest.mark.parametrize(
    "page",
    ["signup", "signup widget", "petition", "petition widget", "rsvp", "preferences"],
)
def test_every_public_form_leaves_checking_to_the_server(client, pages, page):
    response = client.get("/ar" + pages[page])

    assert response.status_code == 200
    parser = PostingForms()
    parser.feed(response.content.decode())
    assert parser.forms, "the page has a form"
    browser_checked = [form for form in parser.forms if "novalidate" not in form]
    assert not browser_checked


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Tick this box to confirm that you want your data erased."),
        ("ar", "ضَع علامة في هذا المربع لتأكيد أنك تريد محو بياناتك."),
    ],
)
def test_the_erase_box_says_what_to_do_when_it_is_not_ticked(
    client, home_page, language, message
):
    prefix = "" if language == "en" else f"/{language}"

    response = client.post(prefix + preferences_path(), {"action": "erase"})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "This field is required." not in page
