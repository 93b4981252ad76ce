"""A list's name too long for one line of a phone goes on under its own first word.

Found by a newcomer joining in Spanish at 390 px: "Comunicación con Empleadores y /
Capacitación en Diversidad" wrapped back under the checkbox, so the second line read
as if it were a list of its own."""

import pytest
from django.core.cache import cache
from wagtail.models import Locale

from subscribers.models import SignupPage
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = "Employer Communications and Diversity Training for Small Businesses"

# Where the checkbox is, and where each line of its label's words starts and ends.
BOX_AND_LINES = """label => {
    const box = label.querySelector("input").getBoundingClientRect();
    const words = document.createRange();
    words.selectNodeContents(label);
    words.setStartAfter(label.querySelector("input"));
    const lines = [...words.getClientRects()].filter(line => line.width > 1);
    return {
        box: {left: box.left, right: box.right},
        lines: lines.map(line => ({left: line.left, right: line.right, top: line.top})),
    };
}"""


def _signup_pages(home_page):
    page = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    page.save_revision().publish()
    arabic = page.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    arabic.save_revision().publish()


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_a_wrapped_list_name_never_goes_back_under_its_checkbox(
    open_page, live_server, home_page, prefix
):
    cache.clear()
    MailingListFactory(name=LONG_NAME, slug="employers")
    _signup_pages(home_page)
    page = open_page(width=390)
    page.goto(f"{live_server.url}{prefix}/join/")

    label = page.locator("#id_lists label").filter(has_text="Employer")
    found = label.evaluate(BOX_AND_LINES)
    lines = found["lines"]
    assert len({round(line["top"]) for line in lines}) >= 2, "the name must wrap here"
    for line in lines:
        if prefix == "/ar":  # right to left: the box on the right, the words left of it
            assert line["right"] <= found["box"]["left"], found
        else:
            assert line["left"] >= found["box"]["right"], found
