"""An event page printed as a flyer, in Arabic and Chinese.

Printed (Chromium's print media, as page.pdf() and the print dialog use), the page
carried the skip link, the language switcher's six names, the menu, the search box
and its button, and "Add to calendar: Google · Outlook.com": screen-only controls on
paper. They are left off; the event's title, time and place stay, in the reader's
language and direction.
"""

import pytest
from django.core.cache import cache

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
