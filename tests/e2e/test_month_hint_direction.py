"""The Month filter's example reads as it is typed, in Arabic too.

The hint under the Month box says "YYYY-MM (السنة-الشهر)، مثلًا 2026-12". After
Arabic words the digits are Arabic numbers to the bidi algorithm, and the hyphen
between them joins nothing: the example showed as "12-2026", the month first, right
under a box that wants the year first. The example is isolated left to right; every
language shows the year first.
"""

import pytest
from django.utils import timezone

from tests.factories import build_event, build_event_index
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True)

# Where the example's first and last characters are drawn, left to right.
EXAMPLE_EDGES = """(example) => {
    const hint = document.querySelector('#filter-month-hint');
    const walker = document.createTreeWalker(hint, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const at = node.data.indexOf(example);
        if (at < 0) continue;
        const edge = (offset) => {
            const range = document.createRange();
            range.setStart(node, offset);
            range.setEnd(node, offset + 1);
            return range.getBoundingClientRect().left;
        };
        return [edge(at), edge(at + example.length - 1)];
    }
    return null;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_month_example_shows_the_year_first(
    live_server, open_page, home_page, width
):
    build_event(build_event_index(home_page), title="Know Your Rights session")
    example = timezone.localdate().strftime("%Y-%m")
    browser_page = open_page(width=width, height=900)
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        browser_page.goto(f"{live_server.url}{prefix}/events/")
        edges = browser_page.evaluate(EXAMPLE_EDGES, example)
        assert edges is not None, language
        year_digit, month_digit = edges
        assert year_digit < month_digit, (language, edges)
