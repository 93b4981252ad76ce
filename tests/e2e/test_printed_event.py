"""An event page printed as a flyer, in Arabic and Chinese.

Printed (Chromium's print media, as page.pdf() and the print dialog use), the page
carried the skip link, the language switcher's six names, the menu, the search box
and its button, and "Add to calendar: Google · Outlook.com": screen-only controls on
paper. They are left off; the event's title, time and place stay, in the reader's
language and direction.

The RSVP button printed as a blue box nobody can press, and nothing on the sheet said
where to answer: printed, the buttons and the map link are left off and the page's
whole address stands in their place ("Details and RSVP: https://...").
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN_ONLY = [
    ".skip-link",
    ".language-switcher",
    ".site-search",
    ".add-to-calendar",
]


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("zh-hans", "ltr")])
def test_a_printed_event_page_leaves_screen_controls_off(
    page, live_server, home_page, language, direction
):
    cache.clear()
    event = build_event(
        build_event_index(home_page),
        title="Know Your Rights session",
        venue="A community hall in Pilsen",
        address="1 Example St, Chicago, IL 60608",
        rsvp_mode="internal",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/{language}{event.url}")
    for selector in SCREEN_ONLY:
        assert page.locator(selector).first.is_visible(), selector

    page.emulate_media(media="print")
    for selector in SCREEN_ONLY:
        assert page.locator(selector).first.is_hidden(), selector
    assert page.get_by_role("heading", name="Know Your Rights session").is_visible()
    assert page.locator("dl.facts").is_visible()
    assert page.locator("html").get_attribute("dir") == direction
    assert page.pdf(format="A4").startswith(b"%PDF")


# The printed flyer's own line: the page's address, under the reader's prefix.
PRINTED_LINE = {"en": "Details and RSVP", "ar": "التفاصيل وتأكيد الحضور"}


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_a_printed_event_gives_its_address_instead_of_the_rsvp_button(
    page, live_server, home_page, language, prefix
):
    """On paper the RSVP button was a blue box nobody could press, and nothing on
    the sheet said where to answer. Printed, the button is left off and the page's
    own address (in the reader's language) stands in its place; on screen that line
    is not shown (the button is there)."""
    cache.clear()
    event = build_event(
        build_event_index(home_page),
        title="Know Your Rights session",
        address="1 Example St, Chicago, IL 60608",
        rsvp_mode="internal",
    )
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}{prefix}{event.url}")
    rsvp = page.locator(".rsvp-state a.button")
    assert rsvp.is_visible()
    printed = page.locator(".print-url")
    assert printed.is_hidden()

    page.emulate_media(media="print")
    assert rsvp.is_hidden()
    assert page.locator(".map-link").is_hidden()
    assert printed.is_visible()
    text = printed.inner_text()
    assert text.startswith(PRINTED_LINE[language])
    # Written out whole, as someone types it from paper, left to right in Arabic too:
    # on the Site's address (BASE_URL's), under the reader's language prefix.
    link = printed.locator("[dir=ltr]")
    assert link.inner_text() == f"{event.get_site().root_url}{prefix}{event.url}"
    # No wider than the sheet: the address wraps rather than running off A4.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_a_printed_event_with_rsvps_elsewhere_gives_this_page_not_the_button(
    page, live_server, home_page
):
    cache.clear()
    event = build_event(
        build_event_index(home_page),
        title="Lobby day",
        rsvp_mode="external",
        rsvp_url="https://example.org/rsvp/lobby-day?ref=flyer",
    )
    page.goto(f"{live_server.url}{event.url}")
    button = page.get_by_role("link", name="RSVP", exact=True)
    assert button.is_visible()

    page.emulate_media(media="print")
    assert button.is_hidden()
    printed = page.locator(".print-url")
    assert printed.inner_text().startswith("Details and RSVP")
    site = event.get_site().root_url
    assert printed.locator("[dir=ltr]").inner_text() == f"{site}{event.url}"


def test_a_printed_past_event_gives_its_address_as_details(
    page, live_server, home_page
):
    cache.clear()
    start = timezone.now() - timedelta(days=3)
    event = build_event(
        build_event_index(home_page),
        title="Rally at City Hall",
        start=start,
        rsvp_mode="internal",
    )
    page.goto(f"{live_server.url}/es{event.url}")
    page.emulate_media(media="print")
    printed = page.locator(".print-url")
    assert printed.is_visible()
    assert printed.inner_text().startswith("Detalles")
    assert not printed.inner_text().startswith("Detalles y")
