"""An English event read on the Arabic site, on a 390 px phone: each fact's label and
value line up on the reader's side (the labels sat at the right, their values at the
left), and the English values still read left to right."""

import pytest

from tests.factories import build_event

pytestmark = pytest.mark.django_db(transaction=True)

# For each <dt>: the right edge of its text and of its <dd>'s text, and the directions.
FACTS = """() => {
    const edge = (node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        return Math.max(...rects.map((r) => r.right));
    };
    return [...document.querySelectorAll('article .facts dt')].map((dt) => {
        const dd = dt.nextElementSibling;
        return {
            label: dt.textContent.trim(),
            labelRight: edge(dt),
            valueRight: edge(dd),
            valueDirection: getComputedStyle(dd).direction,
        };
    });
}"""


def test_an_english_event_s_facts_line_up_on_an_arabic_phone(
    open_page, live_server, home_page
):
    event = build_event(
        title="Know your rights workshop",
        venue="Chicago Public Library",
        address="400 S State St",
        organisers="Office of New Americans",
    )
    browser_page = open_page(width=390, height=900)
    response = browser_page.goto(f"{live_server.url}/ar{event.url}")
    assert response.status == 200
    facts = browser_page.evaluate(FACTS)
    assert len(facts) >= 3
    for fact in facts:
        assert fact["valueDirection"] == "rtl", fact
        assert abs(fact["labelRight"] - fact["valueRight"]) < 2, fact
    # The English organisers and the place keep their own left-to-right order.
    organisers = browser_page.locator("article .facts bdi", has_text="Office of New")
    assert organisers.get_attribute("dir") == "ltr"
    assert organisers.get_attribute("lang") == "en"
    place = browser_page.locator("article .facts bdi", has_text="400 S State St")
    assert place.get_attribute("dir") == "ltr"
