"""Every public form's field errors are tied to their inputs for a screen reader (the
``aria-describedby`` that Django puts on an input with errors names an element that
exists), and e-mail addresses are typed left to right on right-to-left pages."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from subscribers.models import SignupPage
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
)

pytestmark = pytest.mark.django_db

BAD = {"email": "bad", "name": "A1", "website": ""}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: dict[str, list[str]] = {}
        self.email_inputs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by[attrs.get("name", tag)] = attrs[
                "aria-describedby"
            ].split()
        if tag == "input" and attrs.get("type") == "email":
            self.email_inputs.append(attrs)


def parsed(response) -> Elements:
    elements = Elements()
    elements.feed(response.content.decode())
    return elements


@pytest.fixture
def forms(home_page):
    cache.clear()  # rate limits
    listing = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    event = build_event(rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())
    return {
        "signup": (signup.url, {**BAD, "lists": [listing.pk], "language": "ar"}),
        "rsvp": (f"/ar/_events/{event.pk}/rsvp/", BAD),
        "petition": (f"/petitions/{petition.pk}/sign/", {**BAD, "zip_code": ""}),
    }


@pytest.mark.parametrize("form", ["signup", "rsvp", "petition"])
def test_each_error_is_described_by_an_element_that_exists(client, forms, form):
    url, data = forms[form]

    response = client.post(url, data)

    assert response.status_code == 400
    elements = parsed(response)
    assert {"email", "name"} <= set(elements.described_by), "errors were shown"
    for field, ids in elements.described_by.items():
        missing = [name for name in ids if name not in elements.ids]
        assert not missing, f"{form}: {field} is described by missing {missing}"


@pytest.mark.parametrize("form", ["signup", "rsvp"])
def test_addresses_are_typed_left_to_right_in_arabic(client, forms, form):
    url, _data = forms[form]
    arabic = url if url.startswith("/ar/") else "/ar" + url

    page = client.get(arabic)

    assert 'dir="rtl"' in page.content.decode()
    (email,) = parsed(page).email_inputs
    assert email.get("dir") == "ltr"
