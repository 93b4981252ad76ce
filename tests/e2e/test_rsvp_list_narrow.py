"""The RSVP list on a phone (390 px), in English and Arabic: six columns are wider than
the screen and the admin hides what runs off its side, so the check-in time could not be
reached, and event titles broke inside words ("Right" / "s session")."""

import pytest
from django.db import transaction

from events import rsvps
from events.services import record_rsvp
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import build_event, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

LAYOUT = """table => {
    const box = element => element.getBoundingClientRect();
    // To the end of the row: leftwards in Arabic (negative scrollLeft).
    const rtl = getComputedStyle(table).direction === "rtl";
    table.scrollLeft = rtl ? -table.scrollWidth : table.scrollWidth;
    const headings = [...table.querySelectorAll("thead th")];
    const title = table.querySelector("tbody td.title a");
    const words = title.textContent.trim().split(/\\s+/).length;
    const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
    return {
        lastHeadingRight: box(headings[headings.length - 1]).right,
        lastHeadingLeft: box(headings[headings.length - 1]).left,
        viewport: document.documentElement.clientWidth,
        pageWidth: document.documentElement.scrollWidth,
        titleLines: Math.round(box(title).height / lineHeight),
        titleWords: words,
    };
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_column_of_the_rsvp_list_is_reachable_on_a_phone(
    open_page, live_server, home_page, language
):
    with transaction.atomic():
        event = build_event(title="Know Your Rights session", rsvp_mode="internal")
        guest = record_rsvp(
            event_id=event.pk,
            name="Ana María Fernández-Castellanos de la Vega",
            email="ana@example.org",
            language="es",
        )
        rsvps.set_checked_in(event_id=event.pk, rsvp_id=guest.pk, present=True)
        staff_member(language, username="staff")

    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/admin/rsvps/")
    layout = page.locator("table.listing").evaluate(LAYOUT)

    assert layout["pageWidth"] <= layout["viewport"], "the page itself does not scroll"
    # Scrolled to its end, the table shows its last column (checked in at) whole.
    # (within a pixel: the scroll stops on a whole pixel, the cells are not).
    assert layout["lastHeadingLeft"] >= -1
    assert layout["lastHeadingRight"] <= layout["viewport"] + 1
    assert layout["titleLines"] <= layout["titleWords"], "no line inside a word"
    assert (
        page.locator("tbody td", has_text="CST").count()
        + page.locator("tbody td", has_text="CDT").count()
        == 2
    ), "created and checked in, each with its zone"
