"""A page's title in the admin's slim header and in its editor, at 390 px, when the
title runs the other way from the admin's language.

Found by the staff tester: an Arabic bulletin in an English admin showed
"...جرين واللاجئين في شيكاغو" in the header and in the title box (its start cut off
at the box's right edge), and an English bulletin in an Arabic admin "help: February
bulletin"; two bulletins of one month could not be told apart on a phone."""

import pytest
from django.core.cache import cache

from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

ARABIC = "موارد للمهاجرين واللاجئين في شيكاغو: نشرة فبراير الطويلة"
ENGLISH = "Know Your Rights and free legal help: the long February bulletin"

# Where the title's first letter is drawn, against what the header lets one see: an
# Arabic title starts at its right end, an English one at its left.
HEADER_TITLE = """link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    const text = range.getBoundingClientRect();
    const shown = link.closest('.w-breadcrumbs').getBoundingClientRect();
    return {left: text.left - shown.left, right: shown.right - text.right};
}"""


@pytest.mark.parametrize(
    ("admin_language", "title", "start"),
    [("en", ARABIC, "right"), ("ar", ENGLISH, "left")],
)
def test_a_title_in_the_other_direction_shows_its_start_at_390_px(
    open_page, live_server, home_page, admin_language, title, start
):
    from wagtail.users.models import UserProfile

    cache.clear()
    bulletin = build_bulletin(title=title)
    user = SuperuserFactory(username="staff")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = admin_language
    profile.save()
    page = open_page(width=390, height=800)
    log_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")

    link = page.locator(".w-breadcrumbs li:last-child > a", has_text=title)
    placed = link.evaluate(HEADER_TITLE)
    assert placed[start] >= -1, placed

    box = page.locator("#id_title")
    assert box.input_value() == title
    assert box.evaluate("box => getComputedStyle(box).unicodeBidi") == "plaintext"
