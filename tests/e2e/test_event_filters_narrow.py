"""The events listing's filters on a phone. The Filter button was pushed down by a
label's height, so it sat level with the boxes beside it; where it did not fit beside
the Month box (390 px in Hindi, 360 px in Arabic, 320 px in every language) it wrapped
onto a line of its own and kept that push: about 38 px of nothing above it. It now
stands beside the Month box at every phone width, level with it, in every language."""

import pytest

from tests.factories import build_event, build_event_index
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const input = box('#filter-month');
    const button = box('.filters button');
    const hint = box('#filter-month-hint');
    const form = box('.filters');
    return {
        form: [form.left, form.right],
        input: [input.top, input.bottom, input.left, input.right],
        button: [button.top, button.bottom, button.left, button.right],
        hintTop: hint.top,
        scrollWidth: document.documentElement.scrollWidth,
    };
}"""


def test_the_filter_button_has_no_gap_above_it_on_a_phone(
    live_server, open_page, home_page
):
    build_event(build_event_index(home_page), title="Know Your Rights session")
    for width in (390, 360, 320):
        browser_page = open_page(width=width, height=900)
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            browser_page.goto(f"{live_server.url}{prefix}/events/")
            got = browser_page.evaluate(MEASURE)
            in_top, in_bottom, in_left, in_right = got["input"]
            top, bottom, left, right = got["button"]
            where = (width, language, got)
            # Level with the Month box, on its line: no empty space above the button.
            assert abs(top - in_top) <= 1, where
            assert abs(bottom - in_bottom) <= 1, where
            # Beside it, after it in the reading direction, and above the hint.
            if language == "ar":
                assert right <= in_left, where
            else:
                assert left >= in_right, where
            assert got["hintTop"] >= in_bottom, where
            # Inside the form's column, not into the page's margin.
            form_left, form_right = got["form"]
            assert form_left <= min(left, in_left), where
            assert max(right, in_right) <= form_right, where
            assert got["scrollWidth"] <= width, where
