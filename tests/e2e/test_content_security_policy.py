"""The Content-Security-Policy breaks nothing a person uses: a real browser loads the
public pages, the forms, the petition widget, and the admin
(sign-in, dashboard, page editor), and reports no violation. Screenshots of the pages
issue 15 changed land in test-artifacts/ (phone and desktop widths)."""

import pytest

from subscribers import tokens
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
    build_petition_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def watch_violations(browser_page) -> list[str]:
    """CSP violations, from the console (Chromium reports each there)."""
    seen = []
    browser_page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


@pytest.fixture
def site(home_page, settings, live_server):
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    from subscribers.models import SignupPage

    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory(slug="with-you")
    petition = build_petition_page(home_page, campaign)
    event = build_event(title="Know Your Rights", rsvp_mode="internal", capacity=1)
    event.waitlist = False
    event.save_revision().publish()
    from events.services import record_rsvp

    record_rsvp(event_id=event.pk, name="Ana", email="guest@example.org", language="en")
    ana = subscribe("ana@example.org", [legal], name="Ana")
    SuperuserFactory(username="admin", password=PASSWORD)
    return {"signup": signup, "petition": petition, "event": event, "ana": ana}


def test_public_pages_and_the_admin_run_under_the_policy(
    open_page, live_server, site, settings
):
    settings.LOGIN_HASH_CONCURRENCY = 0
    base = live_server.url
    unsubscribe = (
        f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(site['ana'].pk)}/"
    )
    from datetime import timedelta

    from freezegun import freeze_time

    with freeze_time(timedelta(days=-90)):
        expired = tokens.make_preferences_token(site["ana"].pk)
    shots = {
        "home": "/",
        "signup": site["signup"].url,
        "petition": site["petition"].url,
        "event": site["event"].url,
        "rsvp-full": site["event"].url + "rsvp/",
        "unsubscribe": unsubscribe,
        "link-expired": f"/subscribers/preferences/{expired}/",
        "not-found": "/no-such-page/",
    }
    for width, height, label in ((390, 844, "phone"), (1280, 900, "desktop")):
        browser_page = open_page(width=width, height=height)
        violations = watch_violations(browser_page)
        for name, path in shots.items():
            browser_page.goto(base + path)
            browser_page.screenshot(
                path=str(artifacts() / f"csp-{name}-{label}.png"), full_page=True
            )
        assert not violations, violations

    # The widget itself (its frame-ancestors are checked in tests/security).
    browser_page = open_page()
    violations = watch_violations(browser_page)
    browser_page.goto(f"{base}/petitions/embed/{site['petition'].pk}/")
    browser_page.get_by_label("Your name").fill("Katarzyna Nowak")
    assert not violations, violations

    # The admin: sign in, the dashboard, a page editor (Wagtail's own scripts).
    admin = open_page()
    violations = watch_violations(admin)
    admin.goto(base + "/admin/login/")
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(base + "/admin/")
    admin.goto(f"{base}/admin/pages/{site['event'].pk}/edit/")
    admin.get_by_role("textbox", name="Title").first.wait_for()
    assert not violations, violations


def test_sign_in_lockout_page(open_page, live_server, home_page, settings):
    settings.LOGIN_HASH_CONCURRENCY = 0
    for width, label in ((390, "phone"), (1280, "desktop")):
        browser_page = open_page(width=width)
        violations = watch_violations(browser_page)
        for attempt in range(6):
            browser_page.goto(live_server.url + "/admin/login/")
            browser_page.get_by_label("Username").fill(f"organizer-{label}")
            browser_page.get_by_label("Password").fill(f"guess-{attempt}")
            browser_page.get_by_role("button", name="Sign in").click()
            browser_page.wait_for_load_state()
        assert browser_page.get_by_role("heading", name="Sign-in paused").is_visible()
        browser_page.screenshot(
            path=str(artifacts() / f"login-locked-{label}.png"), full_page=True
        )
        assert not violations, violations


def artifacts():
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_the_page_editors_preview_panel_shows_the_page_and_its_email(
    open_page, live_server, home_page, settings
):
    """Found by the staff tester: the editor's preview panel showed a broken-page icon
    for every page, in both modes. Wagtail renders the preview through the middleware
    as a request for the page's own URL, which got the public pages' policy
    (frame-ancestors 'none'), and Chromium refused to show it inside the editor."""
    from tests.factories import build_bulletin

    settings.LOGIN_HASH_CONCURRENCY = 0
    bulletin = build_bulletin(title="December update", summary="Know your rights.")
    SuperuserFactory(username="admin", password=PASSWORD)
    base = live_server.url
    admin = open_page(width=1280, height=900)
    violations = watch_violations(admin)
    admin.goto(base + "/admin/login/")
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(base + "/admin/")
    admin.goto(f"{base}/admin/pages/{bulletin.pk}/edit/")
    admin.locator("[data-side-panel-toggle='preview']").click()

    preview = admin.frame_locator("iframe[title]").last
    preview.get_by_role("heading", name="December update").first.wait_for()
    admin.get_by_label("Preview mode").select_option("email")
    preview.get_by_text("View this e-mail in your browser").wait_for()
    preview.get_by_role("heading", name="December update").first.wait_for()
    assert not violations, violations
