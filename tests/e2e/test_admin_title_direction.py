"""A page's title in the admin's slim header and in its editor, at 390 px, when the
title runs the other way from the admin's language.

Found by the staff tester: an Arabic bulletin in an English admin showed
"...جرين واللاجئين في شيكاغو" in the header and in the title box (its start cut off
at the box's right edge), and an English bulletin in an Arabic admin "help: February
bulletin"; two bulletins of one month could not be told apart on a phone."""

import pytest
from django.core.cache import cache

from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin, staff_member

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

    cache.clear()
    bulletin = build_bulletin(title=title)
    staff_member(admin_language, username="staff")
    page = open_page(width=390, height=800)
    log_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")

    link = page.locator(".w-breadcrumbs li:last-child > a", has_text=title)
    placed = link.evaluate(HEADER_TITLE)
    assert placed[start] >= -1, placed

    box = page.locator("#id_title")
    assert box.input_value() == title
    assert box.evaluate("box => getComputedStyle(box).unicodeBidi") == "plaintext"


# The title's letters, against the box that clips them: Arabic's dots below its letters
# and Latin descenders are drawn only while they sit inside it.
TITLE_FITS = """link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    const text = range.getBoundingClientRect();
    const shown = link.getBoundingClientRect();
    return {above: shown.top - text.top, below: text.bottom - shown.bottom};
}"""


def test_a_large_header_title_is_drawn_whole_in_the_translation_editor_and_listings(
    open_page, live_server, home_page
):
    """Found by the staff tester: wagtail-localize's editor (and every listing) draws
    the header's title at 22 px in a 20 px line that clips it, so the Arabic title
    "تحديث ديسمبر: اعرف حقوقك" lost the dots under its letters (ي read as ى) and
    "December update" the tails of its p and y."""
    from wagtail.models import Locale

    cache.clear()
    bulletin = build_bulletin(title="December update: know your rights")
    SuperuserFactory(username="staff")
    page = open_page(width=1280, height=900)
    log_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/admin/localize/submit/page/{bulletin.pk}/")
    page.get_by_label("العربية (Arabic)").check()
    page.get_by_role("button", name="Submit").click()
    page.get_by_role(
        "heading", name="English to العربية (Arabic) translation"
    ).wait_for()
    arabic = bulletin.get_translation(Locale.objects.get(language_code="ar"))
    assert page.url.endswith(f"/admin/pages/{arabic.pk}/edit/")

    listing = f"/admin/pages/{bulletin.get_parent().pk}/"
    for url in (f"/admin/pages/{arabic.pk}/edit/", listing):
        page.goto(f"{live_server.url}{url}")
        link = page.locator(".w-breadcrumbs li:last-child > a")
        size = link.evaluate("link => parseFloat(getComputedStyle(link).fontSize)")
        assert size > 20, "Wagtail's large header title, where it clipped"
        fits = link.evaluate(TITLE_FITS)
        assert fits["above"] <= 0.5, (url, fits)
        assert fits["below"] <= 0.5, (url, fits)
