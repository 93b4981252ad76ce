"""wagtail-localize's translation editor, in Arabic: the translator's box and the
translation shown after saving run right to left, the English source left to right.

Found by the editor tester: typed and shown in left-to-right boxes, an Arabic summary
read ".العمدة يعزّز ..." with its full stop at the start and its lines ragged on the
wrong side, in the box and after saving."""

import pytest
from django.core.cache import cache

from tests.e2e.test_hardening_journeys import log_in, translate_segment
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "العمدة يعزّز قانون المدينة المرحِّبة."
# Where the drawn text sits in its box: an Arabic paragraph ends at the box's right
# edge (a left-to-right one at its left), whatever the box's width.
PLACED = """box => {
    const range = document.createRange();
    range.selectNodeContents(box);
    const text = range.getBoundingClientRect();
    const edges = box.getBoundingClientRect();
    const style = getComputedStyle(box);
    return {
        fromLeft: text.left - edges.left - parseFloat(style.paddingLeft),
        fromRight: edges.right - parseFloat(style.paddingRight) - text.right,
    };
}"""


def test_arabic_is_typed_and_shown_right_to_left_beside_the_english(
    open_page, live_server, home_page
):
    from wagtail.models import Locale

    cache.clear()
    bulletin = build_bulletin(
        title="March bulletin", summary="The mayor strengthens the ordinance."
    )
    SuperuserFactory(username="editor")
    page = open_page(width=1280, height=900)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/localize/submit/page/{bulletin.pk}/")
    page.get_by_label("العربية (Arabic)").check()
    page.get_by_role("button", name="Submit").click()
    page.get_by_role(
        "heading", name="English to العربية (Arabic) translation"
    ).wait_for()
    arabic = bulletin.get_translation(Locale.objects.get(language_code="ar"))
    assert page.url.endswith(f"/admin/pages/{arabic.pk}/edit/")

    item = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Summary", exact=True)
    )
    item.get_by_role("button", name="Translate").click()
    box = item.get_by_role("textbox")
    box.fill(SUMMARY)
    typed = box.evaluate("box => getComputedStyle(box).unicodeBidi")
    assert typed == "plaintext", "the box follows the text's first letter"
    item.get_by_role("button", name="Cancel").click()
    translate_segment(page, "Summary", SUMMARY)

    shown = item.locator("p", has_text=SUMMARY).evaluate(PLACED)
    source = item.locator("p", has_text="The mayor strengthens").evaluate(PLACED)
    assert abs(shown["fromRight"]) < 2 < shown["fromLeft"], shown
    assert abs(source["fromLeft"]) < 2 < source["fromRight"], source
