"""Form controls' borders in the site's stylesheet stand out from the white page
(WCAG 2.2 SC 1.4.11 Non-text Contrast: at least 3:1)."""

import re
from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "cms" / "static" / "css" / "site.css"
CONTROL = re.compile(r"\b(input|select|textarea)\b")
BORDER_COLOUR = re.compile(
    r"\bborder(?:-color)?\s*:[^;}]*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"
)


def relative_luminance(hex_colour: str) -> float:
    if len(hex_colour) == 3:
        hex_colour = "".join(digit * 2 for digit in hex_colour)
    channels = []
    for start in (0, 2, 4):
        value = int(hex_colour[start : start + 2], 16) / 255
        channels.append(
            value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
        )
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def control_borders() -> list[tuple[str, str]]:
    """(selector, border colour) of each rule that styles a form control's border."""
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", SITE_CSS.read_text())
    return [
        (selector.strip(), colour)
        for selector, body in rules
        if CONTROL.search(selector)
        for colour in BORDER_COLOUR.findall(body)
    ]


def test_the_check_finds_the_form_control_borders():
    selectors = " ".join(selector for selector, _colour in control_borders())
    assert ".petition-form input[type=text]" in selectors
    assert ".site-search input" in selectors


def test_every_form_control_border_has_3_to_1_contrast_on_white():
    weak = {
        selector: round(contrast_on_white(colour), 2)
        for selector, colour in control_borders()
        if contrast_on_white(colour) < 3
    }
    assert weak == {}
