"""The keyboard's focus ring is seen on every control: Chromium's default (a thin
"auto" ring, about 2.8:1 against the accent buttons) was the only one; WCAG 2.2 asks
3:1 for the indicator against what is around it (1.4.11, 2.4.13)."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

RING = """e => { const s = getComputedStyle(e);
  return [e.tagName, s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset]; }"""


def luminance(css_colour: str) -> float:
    red, green, blue = (int(x) for x in re.findall(r"\d+", css_colour)[:3])

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_with_white(css_colour: str) -> float:
    return 1.05 / (luminance(css_colour) + 0.05)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_control_reached_by_tab_shows_a_ring_seen_on_the_page(
    chromium, live_server, home_page, language
):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{language}/")
        seen = set()
        for _ in range(30):
            page.keyboard.press("Tab")
            tag, style, width, colour, offset = page.evaluate(
                f"({RING})(document.activeElement)"
            )
            if tag == "BODY":
                break
            seen.add(tag)
            assert style == "solid", (tag, style)
            assert float(width.removesuffix("px")) >= 3, (tag, width)
            # Drawn outside the control, on the page's white: 3:1 against it.
            assert float(offset.removesuffix("px")) >= 2, (tag, offset)
            assert contrast_with_white(colour) >= 3, (tag, colour)
        assert {"A", "BUTTON"} <= seen, seen
    finally:
        context.close()
