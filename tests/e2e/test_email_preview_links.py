"""The staff e-mail preview shows the message in a sandboxed frame, as the outbox does:
a link pressed there opens its page in a new tab, as from a mail client, instead of an
error inside the frame (our pages refuse to be framed); the message still runs no
script in the admin."""

import re

import pytest
from django.core.cache import cache

from cms import email_preview
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_pressed_in_the_email_preview_opens_its_page_in_a_new_tab(
    open_page, live_server, home_page, monkeypatch
):
    cache.clear()
    target = f"{live_server.url}/"
    bulletin = build_bulletin(
        title="March bulletin",
        body=[("paragraph", f'<p><a href="{target}">Read our home page</a></p>')],
    )
    real_as_sample = email_preview.as_sample

    def with_a_script(*args, **kwargs):
        # Message HTML with a script in it, as a hostile or broken message could
        # carry: the preview must not run it.
        html, text = real_as_sample(*args, **kwargs)
        script = (
            '<p id="scripted">no script ran</p>'
            "<script>document.getElementById('scripted').textContent='ran'</script>"
        )
        return html.replace("</body>", script + "</body>"), text

    monkeypatch.setattr(email_preview, "as_sample", with_a_script)
    SuperuserFactory(username="editor")
    admin = open_page()
    log_in(admin, live_server.url, "editor")
    preview_url = f"{live_server.url}/admin/email-preview/{bulletin.pk}/?language=en"
    admin.goto(preview_url)

    frame = admin.frame_locator("iframe[title='HTML part']")
    frame.get_by_text("no script ran").wait_for()
    with admin.context.expect_page() as opened:
        frame.get_by_role("link", name="Read our home page").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == target
    assert re.search(home_page.title, tab.title())
    # The preview itself stayed where it was, and still runs no script.
    assert admin.url == preview_url
    assert frame.get_by_text("no script ran").is_visible()
