"""The events listing's month filter says how to write a month, and says so when it
could not read one (accessibility audit, L9): browsers without a month picker show a
plain text box, and a month typed otherwise used to be dropped in silence."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db

HINT = {"en": "YYYY-MM, for example", "ar": "YYYY-MM (السنة-الشهر)، مثلًا"}
UNREAD = {
    "en": "We could not read that month, so the events are not filtered by month.",
    "ar": "لم نتمكن من قراءة ذلك الشهر، لذا لم تُصفَّ الفعاليات حسب الشهر.",
}


class MonthInput(HTMLParser):
    def __init__(self):
        super().__init__()
        self.input: dict = {}
        self.ids: dict[str, str] = {}
        self.open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("name") == "month":
            self.input = attrs
        if attrs.get("id"):
            self.open = attrs["id"]
            self.ids[self.open] = ""

    def handle_endtag(self, tag):
        self.open = None

    def handle_data(self, data):
        if self.open:
            self.ids[self.open] += data

    def description(self) -> str:
        names = self.input.get("aria-describedby", "").split()
        return " ".join(self.ids[name].strip() for name in names)


def month_input(response) -> MonthInput:
    parser = MonthInput()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def listing(home_page):
    index = build_event_index()
    build_event(index, title="Soon rally", start=timezone.now() + timedelta(days=2))
    return index


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_month_box_is_described_by_its_format(client, listing, language):
    prefix = "" if language == "en" else f"/{language}"

    page = month_input(client.get(prefix + listing.url))

    example = timezone.localdate().strftime("%Y-%m")
    assert page.description() == f"{HINT[language]} {example}"
    assert "aria-invalid" not in page.input


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("month", ["March 2027", "13-2020", "2027/03"])
def test_a_month_it_cannot_read_is_named_and_every_month_shown(
    client, listing, language, month
):
    prefix = "" if language == "en" else f"/{language}"

    response = client.get(prefix + listing.url, {"month": month})

    assert response.status_code == 200
    page = month_input(response)
    assert UNREAD[language] in page.description()
    assert page.input["aria-invalid"] == "true"
    assert "Soon rally" in response.content.decode()


@pytest.mark.parametrize("query", [{}, {"month": ""}, {"month": "2027-03"}])
def test_no_notice_without_a_month_or_with_one_it_read(client, listing, query):
    response = client.get(listing.url, query)

    assert UNREAD["en"] not in response.content.decode()


@pytest.mark.parametrize("digits", ["arabic", "devanagari", "full-width"])
def test_a_month_typed_in_another_scripts_digits_is_read(client, listing, digits):
    """An Arabic or Hindi keyboard types its own digits in the text box (٢٠٢٧-٠٣): it
    is the month 2027-03, not a month nobody could read."""
    later = timezone.now() + timedelta(days=400)
    build_event(listing, title="Later rally", start=later)
    month = later.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    zero = {"arabic": 0x0660, "devanagari": 0x0966, "full-width": 0xFF10}[digits]
    typed = "".join(chr(zero + int(c)) if c.isdigit() else c for c in month)

    response = client.get("/ar" + listing.url, {"month": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert UNREAD["ar"] not in html
    assert "Later rally" in html
    assert "Soon rally" not in html
