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


class CheckboxGroups(HTMLParser):
    """Each fieldset: its attributes, its legend's text and the checkboxes inside it;
    each label tied to no control (no ``for``, nothing inside); the ids."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.fieldsets: list[dict] = []
        self.loose_labels: list[str] = []
        self._fieldset: dict | None = None
        self._in_legend = False
        self._label: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "fieldset":
            self._fieldset = {"attrs": attrs, "legend": "", "checkboxes": []}
            self.fieldsets.append(self._fieldset)
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label":
            self._label = {"for": attrs.get("for"), "text": "", "control": False}
        elif tag in ("input", "select", "textarea"):
            if self._label is not None:
                self._label["control"] = True
            if self._fieldset is not None and attrs.get("type") == "checkbox":
                self._fieldset["checkboxes"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldset = None
        elif tag == "legend":
            self._in_legend = False
        elif tag == "label" and self._label is not None:
            if not self._label["for"] and not self._label["control"]:
                self.loose_labels.append(self._label["text"].strip())
            self._label = None

    def handle_data(self, data):
        if self._in_legend and self._fieldset is not None:
            self._fieldset["legend"] += data
        if self._label is not None:
            self._label["text"] += data


def checkbox_groups(response) -> CheckboxGroups:
    groups = CheckboxGroups()
    groups.feed(response.content.decode())
    return groups


@pytest.fixture
def petition_with_lists(home_page):
    petition = build_petition_page(home_page, CampaignFactory())
    petition.campaign.default_lists.add(
        MailingListFactory(name="Legal Protection/Services", slug="legal")
    )
    return petition


@pytest.mark.parametrize("where", ["page", "widget"])
def test_the_petitions_list_question_labels_its_checkboxes(
    client, petition_with_lists, where
):
    """The question was a <label> tied to nothing, so a screen reader read a list's
    name and a checkbox without asking anything (found by the accessibility audit)."""
    url = {
        "page": petition_with_lists.url,
        "widget": f"/petitions/embed/{petition_with_lists.pk}/",
    }[where]

    groups = checkbox_groups(client.get(url))

    (group,) = groups.fieldsets
    assert group["legend"].strip() == "Also keep me informed by e-mail about:"
    assert group["checkboxes"] == ["lists"]
    assert groups.loose_labels == []


def test_an_error_on_a_checkbox_group_describes_the_group(
    client, forms, petition_with_lists
):
    """The error sat after the </fieldset> and nothing pointed at it: each checkbox
    said "invalid" without why (found by the accessibility audit)."""
    signup_url, signup_data = forms["signup"]
    signup_data = {**signup_data, "lists": []}  # "Choose at least one list."
    petition_data = {**BAD, "zip_code": "", "lists": ["999999"]}
    petition_url = f"/petitions/{petition_with_lists.pk}/sign/"

    for url, data in [(signup_url, signup_data), (petition_url, petition_data)]:
        response = client.post(url, data)

        assert response.status_code == 400
        groups = checkbox_groups(response)
        (group,) = groups.fieldsets
        assert group["attrs"].get("aria-describedby") == "id_lists_error", url
        assert "id_lists_error" in groups.ids, url


def test_a_checkbox_group_without_errors_points_at_nothing(client, forms):
    signup_url, _data = forms["signup"]

    (group,) = checkbox_groups(client.get(signup_url)).fieldsets

    assert "aria-describedby" not in group["attrs"]
