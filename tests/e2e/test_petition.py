"""Signing a petition in Polish in a real browser, with and without JavaScript."""

import pytest
from django.utils import formats, timezone, translation
from wagtail.models import Locale

from campaigns.models import Milestone
from campaigns.services.petitions import record_signature
from tests.caches import use_private_caches
from tests.factories import CampaignFactory, build_home_page, build_petition_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_state(settings):
    """Rate-limit counters and the petition memo must not leak between runs or tests."""
    from campaigns.selectors import clear_petition_copies

    use_private_caches(settings, "e2e-petition")
    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.fixture
def polish_petition():
    home = build_home_page()
    campaign = CampaignFactory(
        name="Browser", slug="browser", goal=100, milestone_thresholds=[10, 25]
    )
    english = build_petition_page(home, campaign)
    polish = english.copy_for_translation(
        Locale.objects.get(language_code="pl"), copy_parents=True
    )
    polish.title = "Nienawiść nie ma miejsca w Chicago"
    polish.statement = "Wspieramy naszych sąsiadów imigrantów!"
    polish.save_revision().publish()
    for index in range(9):
        record_signature(
            page=english, email=f"earlier{index}@example.org", language="en"
        )
    return polish


def sign_in_polish(browser_page, url: str) -> None:
    browser_page.goto(url)
    assert browser_page.locator("html").get_attribute("lang") == "pl"
    assert browser_page.locator(".petition-count strong").inner_text() == "9 podpisów"
    assert browser_page.locator(".timeline").count() == 0
    browser_page.get_by_label("Imię i nazwisko").fill("Katarzyna Nowak")
    browser_page.get_by_label("Adres e-mail").fill("katarzyna.nowak@example.org")
    with translation.override("pl"):
        zip_label = translation.gettext("ZIP code (optional)")
    assert zip_label.startswith("Kod pocztowy")
    browser_page.get_by_label(zip_label).fill("60634")
    browser_page.get_by_role("button", name="Podpisz petycję").click()
    browser_page.wait_for_url("**?signed=1*")


def assert_thanks_count_and_timeline(browser_page) -> None:
    assert browser_page.get_by_role(
        "heading", name="Dziękujemy za podpis!"
    ).is_visible()
    assert browser_page.locator(".petition-count strong").inner_text() == "10 podpisów"
    milestone = Milestone.objects.get(threshold=10)
    with translation.override("pl"):
        when = formats.date_format(
            timezone.localtime(milestone.reached_at), "DATETIME_FORMAT"
        )
    item = browser_page.locator(".timeline li")
    assert item.count() == 1
    assert item.locator("time").inner_text() == when
    assert item.locator(".milestone-text").inner_text() == "Zebrano 10 podpisów"
    share = browser_page.locator(".share-links a")
    assert share.count() == 4
    assert "wa.me" in share.nth(1).get_attribute("href")


def test_sign_in_polish_with_javascript_off(chromium, live_server, polish_petition):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 412, "height": 915}
    )
    browser_page = context.new_page()
    browser_page.set_default_timeout(30_000)
    try:
        sign_in_polish(browser_page, live_server.url + polish_petition.url)
        assert_thanks_count_and_timeline(browser_page)
    finally:
        context.close()


def test_sign_in_polish_in_a_phone_browser(page, live_server, polish_petition):
    page.set_default_timeout(30_000)
    sign_in_polish(page, live_server.url + polish_petition.url)
    assert_thanks_count_and_timeline(page)
    page.goto(live_server.url + polish_petition.url)
    assert page.locator(".timeline li .milestone-text").inner_text() == (
        "Zebrano 10 podpisów"
    )


def test_the_widget_framed_by_a_partner_signs(page, live_server, settings):
    """The widget's own form, in a partner's frame, is sent with this site's origin
    (its referrer policy keeps it: "no-referrer" sent "null", as any page can), so
    the check against posts from other sites (cms.embed) lets it through."""
    from campaigns.models import Signature
    from tests.e2e.test_signup_embed import partner_site

    home = build_home_page()
    petition = build_petition_page(home, CampaignFactory(slug="framed"))
    frame_url = f"{live_server.url}/petitions/embed/{petition.pk}/"
    partner = partner_site(frame_url)
    try:
        settings.PETITION_FRAME_ANCESTORS = [f"http://127.0.0.1:{partner.server_port}"]
        page.goto(f"http://127.0.0.1:{partner.server_port}/")
        frame = page.frame_locator("iframe")
        frame.locator("input[name=name]").fill("Katarzyna Nowak")
        frame.locator("input[name=email]").fill("katarzyna.nowak@example.org")
        frame.locator("button[type=submit]").click()
        frame.locator("#signed").wait_for()
        assert Signature.objects.count() == 1
    finally:
        partner.shutdown()
