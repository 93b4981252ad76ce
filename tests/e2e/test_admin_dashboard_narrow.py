"""The admin dashboard's tables on a phone (390 px): each column heading stays above its
column and each row's cells on one line, with nothing running off the side. Wagtail
turns a dashboard listing into wrapping flex rows below 75em, which parted the "Signups
this week" headings from their numbers."""

import pytest
from django.db import transaction

from subscribers.models import Subscription
from tests.campaigns.mailing_fixtures import subscribe
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import MailingListFactory, SuperuserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAYOUT = """table => {
    const box = element => element.getBoundingClientRect();
    const headings = [...table.querySelectorAll("thead th")].map(box);
    const rows = [...table.querySelectorAll("tbody tr")].map(
        row => [...row.querySelectorAll("td")].map(box)
    );
    const panel = box(table.closest("section") || table.parentElement);
    return {
        headings: headings.map(b => [b.left, b.right, b.top]),
        rows: rows.map(cells => cells.map(b => [b.left, b.right, b.top])),
        tableRight: box(table).right,
        panelRight: panel.right,
        pageWidth: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
    };
}"""


@pytest.fixture
def lists_with_signups(home_page):
    with transaction.atomic():
        lists = [
            MailingListFactory(name=name, slug=slug)
            for name, slug in (
                ("Employer Communications/Diversity Training", "employers"),
                ("Community Outreach/Education", "outreach"),
            )
        ]
        for n in range(5):
            subscribe(f"p{n}@example.org", lists[n % 2 :])
        subscribe("late@example.org", lists, status=Subscription.Status.PENDING)
        SuperuserFactory(username="staff")


def test_signups_panel_reads_as_a_table_on_a_phone(
    open_page, live_server, lists_with_signups
):
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "staff")
    table = page.locator("table", has=page.locator("th", has_text="Waiting to confirm"))
    table.scroll_into_view_if_needed()
    layout = table.evaluate(LAYOUT)

    assert layout["pageWidth"] <= layout["viewport"], "no sideways scrolling"
    assert layout["tableRight"] <= layout["panelRight"] + 0.5
    headings = layout["headings"]
    assert len(headings) == 3
    assert len({round(top) for _, _, top in headings}) == 1, "headings on one line"
    assert len(layout["rows"]) == 2
    for cells in layout["rows"]:
        assert len({round(top) for _, _, top in cells}) == 1, "a row on one line"
        for (left, right, _), (h_left, h_right, _) in zip(cells, headings, strict=True):
            assert abs(left - h_left) < 1, "each heading above its column"
            assert abs(right - h_right) < 1, "each heading above its column"
