"""The events listing's filters in a row at desktop width: the Month field carries a hint
under its box (how to write a month where there is no month picker), which made it
taller; the row was aligned along its bottom, so the "Month" label sat about 29 px
above "Kind" and the two labels looked unrelated. The labels now line up, the boxes
line up, and the Filter button sits level with the boxes, in every language."""

import pytest

from tests.factories import build_event, build_event_index
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const kind = document.querySelector('label[for=filter-kind]').getBoundingClientRect();
    const month = document.querySelector('label[for=filter-month]').getBoundingClientRect();
    const select = box('#filter-kind');
    const input = box('#filter-month');
    const button = box('.filters button');
    return {
        labels: [kind.top, month.top],
        boxes: [select.top, select.bottom, input.top, input.bottom],
        button: [button.top, button.bottom],
        scrollWidth: document.documentElement.scrollWidth,
    };
}"""


def test_the_filters_line_up_at_desktop_width(live_server, open_page, home_page):
    build_event(build_event_index(home_page), title="Know Your Rights session")
    browser_page = open_page(width=1280, height=900)
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        browser_page.goto(f"{live_server.url}{prefix}/events/")
        got = browser_page.evaluate(MEASURE)
        kind_label, month_label = got["labels"]
        select_top, select_bottom, input_top, input_bottom = got["boxes"]
        button_top, button_bottom = got["button"]
        assert abs(kind_label - month_label) <= 1, (language, got)
        assert abs(select_top - input_top) <= 1, (language, got)
        assert abs(select_bottom - input_bottom) <= 1, (language, got)
        assert abs(button_top - select_top) <= 1, (language, got)
        assert abs(button_bottom - select_bottom) <= 1, (language, got)
        assert got["scrollWidth"] <= 1280, (language, got)
