"""Links that go to different places have different names, for a screen reader's list
of links (WCAG 2.4.4/2.4.9): the events page's calendars by kind read "Google",
"Outlook.com", "subscribe (webcal)" and "download (.ics)" eight times each, and a
bulletin e-mail's event cards "Details and RSVP", "Google" and "Outlook.com" once per
event, with nothing to tell them apart out of their paragraph."""

from collections import defaultdict
from html.parser import HTMLParser

import pytest

from cms.email.rendering import render_email
from tests.factories import build_bulletin, build_event, build_event_index

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """Each link's accessible name: its aria-label, else its text (hidden text too)."""

    def __init__(self):
        super().__init__()
        self.names: dict[str, set[str]] = defaultdict(set)
        self._href = self._label = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self._href, self._label, self._text = attrs.get("href"), None, []
            self._label = attrs.get("aria-label")

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            name = self._label or "".join(self._text)
            self.names[" ".join(name.split())].add(self._href)
            self._href = None


def ambiguous(html: str) -> dict[str, int]:
    links = Links()
    links.feed(html)
    return {name: len(hrefs) for name, hrefs in links.names.items() if len(hrefs) > 1}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_calendars_by_kind_are_named_with_their_kind(client, home_page, language):
    index = build_event_index(home_page)
    build_event(index, title="Rally at City Hall", kind="rally")
    prefix = "" if language == "en" else f"/{language}"

    response = client.get(f"{prefix}{index.url}")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("aria-label=") >= 4 * 8  # four per kind
    assert ambiguous(html) == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_bulletin_e_mails_event_links_are_named_with_their_event(home_page, language):
    index = build_event_index(home_page)
    events = [
        build_event(index, title="Press conference and rally", kind="rally"),
        build_event(index, title="Know Your Rights session", kind="training"),
    ]
    bulletin = build_bulletin(
        title="Important resources",
        body=[
            (
                "event_listing",
                {
                    "title": "Events",
                    "events": [event.pk for event in events],
                    "kinds": [],
                    "limit": 5,
                },
            )
        ],
    )

    html = render_email(bulletin, language=language).html

    assert html.count("Know Your Rights session") >= 4  # the card, three links
    assert ambiguous(html) == {}
