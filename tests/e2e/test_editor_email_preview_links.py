"""The page editor's preview panel in its "E-mail" mode: a link pressed in the message
opens its page in a new tab, as from a mail client. It loaded inside the panel's frame,
which our pages refuse (frame-ancestors 'none'): the editor saw an error page."""

import pytest

from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_pressed_in_the_editor_email_preview_opens_a_new_tab(
    open_page, live_server, home_page, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # the e-mail's links
    bulletin = build_bulletin(title="December update", summary="Know your rights.")
    SuperuserFactory(username="editor")
    admin = open_page()
    log_in(admin, live_server.url, "editor")
    edit_url = f"{live_server.url}/admin/pages/{bulletin.pk}/edit/"
    admin.goto(edit_url)
    admin.locator("[data-side-panel-toggle='preview']").click()
    preview = admin.frame_locator("iframe[title]").last
    preview.get_by_role("heading", name="December update").first.wait_for()
    admin.get_by_label("Preview mode").select_option("email")
    in_browser = preview.get_by_role("link", name="View this e-mail in your browser")
    in_browser.wait_for()
    target = in_browser.get_attribute("href")

    with admin.context.expect_page() as opened:
        in_browser.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == target
    assert "December update" in tab.title()
    assert admin.url == edit_url
    preview.get_by_role("heading", name="December update").first.wait_for()
