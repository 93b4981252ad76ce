"""A bulletin not yet translated, read in Arabic on a 390 px phone, on the site and in
the e-mail: a resource's "Phone" and "Website" lines read right to left, as their
Arabic labels do. The Arabic label sat at the left of the number with its colon on
its right (":الهاتف (312) 660-1370" to an Arabic reader); now the label is at the
right, its colon after it, and the number and address still read left to right."""

import pytest

from cms.email.rendering import render_email
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

# For each resource line: where its label's text and its link sit, and directions.
LINES = """() => {
    const box = (node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        return {
            left: Math.min(...rects.map((r) => r.left)),
            right: Math.max(...rects.map((r) => r.right)),
        };
    };
    return [...document.querySelectorAll('p')]
        .filter((p) => p.querySelector('a[href^="tel:"], a[href^="https://nijc"]'))
        .map((p) => {
            const link = p.querySelector('a');
            return {
                text: p.textContent.trim(),
                label: box(p.firstChild),
                link: box(link),
                direction: getComputedStyle(p).direction,
                linkDirection: getComputedStyle(link.firstElementChild).direction,
            };
        });
}"""


def check(lines):
    assert len(lines) == 2, lines
    for line in lines:
        assert line["direction"] == "rtl", line
        assert line["linkDirection"] == "ltr", line
        assert line["label"]["left"] >= line["link"]["right"] - 1, line
    assert "(312) 660-1370" in lines[0]["text"]


def test_an_english_resource_reads_right_to_left_on_an_arabic_phone(
    open_page, live_server, home_page
):
    bulletin = build_bulletin(
        title="December news",
        body=[
            (
                "resource",
                {
                    "organisation": "National Immigrant Justice Center",
                    "category": "legal",
                    "phone": "(312) 660-1370",
                    "web_address": "https://nijc.example.org/",
                    "description": "Free legal consultations.",
                },
            )
        ],
    )
    browser_page = open_page(width=390, height=900)
    response = browser_page.goto(f"{live_server.url}/ar{bulletin.url}")
    assert response.status == 200
    check(browser_page.evaluate(LINES))

    browser_page.set_content(render_email(bulletin, language="ar").html)
    check(browser_page.evaluate(LINES))
