"""The page editor's header at 1280 px: the page's title stays readable beside the
project's "E-mail preview and test" and "Send as mailing" buttons. Written out, their
labels squeezed a bulletin's title to "Decem"."""

import pytest

from tests.e2e.test_hardening_journeys import log_in
from tests.factories import MailingListFactory, SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "December resources for new Chicagoans!!!"  # 40 characters
# How much of the title's text is drawn inside every box that clips it.
VISIBLE_WIDTH = """link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    const text = range.getBoundingClientRect();
    let [left, right] = [text.left, text.right];
    for (let box = link; box && box.tagName !== "HEADER"; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (style.overflowX !== "visible" || style.overflow !== "visible") {
            const clip = box.getBoundingClientRect();
            left = Math.max(left, clip.left);
            right = Math.min(right, clip.right);
        }
    }
    return {text: text.width, visible: Math.max(0, right - left)};
}"""


def test_the_title_is_readable_beside_the_mailing_buttons(
    open_page, live_server, home_page
):
    assert len(TITLE) == 40
    MailingListFactory()  # someone to send to: "Send as mailing" is offered
    bulletin = build_bulletin(title=TITLE)
    SuperuserFactory(username="editor")

    page = open_page(width=1280, height=900)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")

    actions = page.locator("#w-slim-header-buttons")
    for label in ("E-mail preview and test", "Send as mailing"):
        assert actions.get_by_role("link", name=label).is_visible(), "still visible"
    title = page.locator(".w-breadcrumbs a", has_text=TITLE)
    width = title.evaluate(VISIBLE_WIDTH)
    assert width["visible"] >= width["text"] - 1, f"title cut: {width}"
