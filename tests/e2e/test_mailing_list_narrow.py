"""The mailings list on a phone (390 px): every column can be reached.

Found by the editor tester: the table was 435 px wide inside the admin's main column,
which clips what overflows it; its Lane column was cut off and out of reach."""

import pytest
from django.core.cache import cache

from campaigns.mailings.services import control
from tests.campaigns.mailing_fixtures import lists
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

# Scroll the nearest box that scrolls sideways as far right as it goes, and say where
# the cell is then: within the screen, or not (no such box: it stays where it was).
SCROLLED_INTO_REACH = """cell => {
    for (let box = cell.parentElement; box && box.tagName !== "MAIN"; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow === "auto" || overflow === "scroll") {
            box.scrollLeft = box.scrollWidth;
            break;
        }
    }
    const edges = cell.getBoundingClientRect();
    return {left: edges.left, right: edges.right, screen: window.innerWidth};
}"""


def test_every_column_of_the_mailings_list_is_in_reach_on_a_phone(
    open_page, live_server, home_page
):
    cache.clear()
    (legal,) = lists(1)
    user = SuperuserFactory(username="editor")
    control.create_mailing(
        user=user,
        page=build_bulletin(title="Welcoming City news and resources, December 5"),
        list_ids=[legal.pk],
    )
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/mailings/")

    lane = page.get_by_role("columnheader", name="Lane")
    place = lane.evaluate(SCROLLED_INTO_REACH)
    assert place["left"] >= 0, place
    assert place["right"] <= place["screen"], place
