"""An English bulletin read in Arabic on a 320 px phone, on the site and in the
e-mail: a document's link ("<title> – الإنجليزية (PDF، 609 بايتات)") is an Arabic
sentence around the English title. The link carried dir="rtl", but its line stayed the
English card's left-to-right one: once it wrapped, its three lines hung from the left
edge, ragged at the right where an Arabic reader begins each line, unlike the card's
Arabic "Phone:" lines beside it. The line is now right-to-left itself: every line of
the link starts at the right edge."""

import pytest

from cms.email.rendering import render_email
from tests.cms.test_blocks import document_block, make_document
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

LINES = """() => [...document.querySelectorAll('a[href*="/documents/"]')].map((link) => {
    const line = link.parentElement;
    const style = getComputedStyle(line);
    const right = line.getBoundingClientRect().right - parseFloat(style.paddingRight);
    // One rectangle per run of text: a line is the runs at one height.
    const ends = {};
    for (const r of link.getClientRects()) {
        if (r.width === 0) continue;
        const top = Math.round(r.top);
        ends[top] = Math.max(ends[top] ?? -Infinity, r.right);
    }
    return {
        text: link.textContent,
        direction: style.direction,
        lines: Object.values(ends).map((end) => Math.round(right - end)),
    };
})"""


def check(links):
    assert len(links) == 1, links
    (link,) = links
    assert link["direction"] == "rtl", link
    assert len(link["lines"]) >= 2, link  # it wraps on this phone
    # Each line ends at the right edge of its box: read from there.
    assert all(gap <= 1 for gap in link["lines"]), link


def test_a_document_link_wraps_right_to_left_on_an_arabic_phone(
    open_page, live_server, home_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    bulletin = build_bulletin(
        title="February news",
        body=[
            document_block(
                "Board of Health resolution on the rights of immigrants",
                ("en", make_document("resolution-en")),
            )
        ],
    )
    browser_page = open_page(width=320, height=900)
    response = browser_page.goto(f"{live_server.url}/ar{bulletin.url}")
    assert response.status == 200
    check(browser_page.evaluate(LINES))

    # A page of its own: written into the site's page, the e-mail would be under the
    # site's Content-Security-Policy, its inline styles (its phone layout) refused.
    email_page = open_page(width=320, height=900)
    email_page.set_content(render_email(bulletin, language="ar").html)
    check(email_page.evaluate(LINES))
