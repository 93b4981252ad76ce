"""The 404 page on an Arabic reader's phone: its ways on (front page, search) are in
Arabic, right to left, inside the screen, and the front page link leads to the Arabic
front page."""

import pytest

from tests.languages import said

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_arabic_reader_finds_the_way_on_from_a_missing_page(
    live_server, open_page, home_page
):
    page = open_page(width=390, height=844)
    response = page.goto(f"{live_server.url}/ar/no-such-page/")
    assert response.status == 404
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    front = page.get_by_role("link", name=said("ar", "Go to the front page"))
    search = page.get_by_role("link", name=said("ar", "Search bulletins and events"))
    heading = page.locator("main h1").bounding_box()
    start = heading["x"] + heading["width"]
    for link in (front, search):
        box = link.bounding_box()
        assert link.is_visible()
        # Right to left: the links start on the right, under the heading's start (a
        # list's indent away), and end inside the screen.
        assert 0 <= start - (box["x"] + box["width"]) <= 48, (box, heading)
        assert box["x"] >= 0, box
        assert link.evaluate("a => getComputedStyle(a).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    front.click()
    page.wait_for_url(f"{live_server.url}/ar/")
    assert page.locator("html").get_attribute("lang") == "ar"
