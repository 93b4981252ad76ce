"""Windows' high-contrast themes (forced colours) replace the site's colours: a button
drawn by its background alone became bare text, the header's "Search" included."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_buttons_keep_a_border_in_forced_colours(chromium, live_server, home_page):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, forced_colors="active"
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/ar/")
        buttons = page.locator("button:visible")
        assert buttons.count() >= 1
        for index in range(buttons.count()):
            style = buttons.nth(index).evaluate(
                "b => [getComputedStyle(b).borderTopStyle,"
                " getComputedStyle(b).borderTopWidth]"
            )
            assert style[0] == "solid", style
            assert style[1] != "0px", style
    finally:
        context.close()

    plain = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = plain.new_page()
        page.goto(f"{live_server.url}/ar/")
        width = page.locator("button:visible").first.evaluate(
            "b => getComputedStyle(b).borderTopWidth"
        )
        assert width == "0px", "unchanged in the usual colours"
    finally:
        plain.close()
