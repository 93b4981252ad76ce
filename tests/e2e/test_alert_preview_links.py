"""The alert's screen shows its e-mail in a frame, as the page preview does: a link
pressed there opens its page in a new tab, as from a mail client, instead of loading
inside the frame (our pages refuse to be framed: the organizer saw an error page); the
footer's links are the reader's links, not merge tags; the message runs no script."""

import dataclasses

import pytest

from cms.email import rendering
from tests.campaigns.alert_fixtures import alert_site, audience, organizer, rally
from tests.e2e.test_hardening_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_pressed_in_the_alert_preview_opens_its_page_in_a_new_tab(
    open_page, live_server, home_page, monkeypatch, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # the e-mail's links
    alert_site(home_page)
    (outreach,) = audience(1)
    olga = organizer("olga", [outreach])
    alert = rally(olga, [outreach.pk])
    real_render = rendering.render_email

    def with_a_script(*args, **kwargs):
        # Message HTML with a script in it, as a broken or hostile message could
        # carry: the preview must not run it.
        rendered = real_render(*args, **kwargs)
        script = (
            '<p id="scripted">no script ran</p>'
            "<script>document.getElementById('scripted').textContent='ran'</script>"
        )
        return dataclasses.replace(
            rendered, html=rendered.html.replace("</body>", script + "</body>")
        )

    monkeypatch.setattr(rendering, "render_email", with_a_script)
    admin = open_page()
    log_in(admin, live_server.url, "olga")
    alert_url = f"{live_server.url}/admin/mailings/alerts/{alert.pk}/"
    admin.goto(alert_url)

    frame = admin.frame_locator("iframe[title='E-mail preview']")
    frame.get_by_text("no script ran").wait_for()
    hrefs = frame.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert not [href for href in hrefs if "%%" in href], hrefs
    details = frame.get_by_role("link", name="Details")
    target = details.get_attribute("href")
    with admin.context.expect_page() as opened:
        details.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == target
    assert "Rally at the DHS office" in tab.title()
    # The alert's screen stayed where it was, and its preview still runs no script.
    assert admin.url == alert_url
    assert frame.get_by_text("no script ran").is_visible()
    # Opened on its own (its address is the frame's), it is sandboxed all the same.
    alone = admin.context.new_page()
    response = alone.goto(
        f"{live_server.url}/admin/mailings/alerts/{alert.pk}/preview/"
    )
    policy = response.headers["content-security-policy"]
    assert "sandbox allow-popups allow-popups-to-escape-sandbox" in policy
    assert alone.get_by_text("no script ran").is_visible()
