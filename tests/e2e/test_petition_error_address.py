"""A petition form sent with errors is answered at its sign URL (/petitions/<id>/sign/,
no language prefix: the fast path past Wagtail's routing). The reader's address bar
said so: reloading it asked to send the form again, and the address copied and passed
on was not the petition's. In a real browser the errors now show under the petition's
own address, in the reader's language and at its form, and reloading that address
gives the petition's page with its form; without JavaScript the sign URL stays and
opening it still leads to the petition in the reader's language."""

from urllib.parse import urlsplit

import pytest
from django.utils import translation

from campaigns.models import Signature
from cms.languages import localized_url
from tests.caches import use_private_caches
from tests.factories import (
    CampaignFactory,
    build_home_page,
    build_petition_page,
    translate_page,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_state(settings):
    from campaigns.selectors import clear_petition_copies

    use_private_caches(settings, "e2e-petition-errors")
    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.fixture
def petition():
    home = build_home_page()
    return build_petition_page(home, CampaignFactory(name="Errors", slug="errors"))


def said(language: str, english: str) -> str:
    with translation.override(language):
        return translation.gettext(english)


def send_with_a_bad_address(browser_page, language: str) -> None:
    browser_page.locator("input[name=name]").fill("Katarzyna Nowak")
    browser_page.locator("input[name=email]").fill("not an address")
    browser_page.get_by_role("button", name=said(language, "Sign the petition")).click()
    browser_page.locator(".form-error").wait_for()
    # The address is set by a deferred script, which runs before the load event but
    # may run after the error is on the page (CI's newcomer world saw the sign URL).
    browser_page.wait_for_load_state("load")
    assert browser_page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    "translated", [True, False], ids=["translated", "untranslated"]
)
def test_errors_show_under_the_petition_s_own_address(
    open_page, live_server, petition, width, translated
):
    if translated:
        path = translate_page(petition, "pl", title="Nienawiść nie ma miejsca").url
    else:
        path = localized_url(petition, "pl")  # the English petition read in Polish
    assert path.startswith("/pl/")
    browser_page = open_page(width=width, height=900)
    browser_page.goto(live_server.url + path)

    send_with_a_bad_address(browser_page, "pl")

    address = urlsplit(browser_page.url)
    assert (address.path, address.fragment) == (path, "sign")
    assert browser_page.locator("input[name=email]").input_value() == "not an address"
    # Reloading the address bar shows the petition and its form, nothing sent again.
    response = browser_page.reload()
    assert response.request.method == "GET"
    assert response.status == 200
    assert urlsplit(browser_page.url).path == path
    assert browser_page.locator("html").get_attribute("lang") == "pl"
    assert browser_page.locator(".petition-form").is_visible()
    assert browser_page.locator(".form-error").count() == 0
    # And the form still signs from there.
    browser_page.locator("input[name=name]").fill("Katarzyna Nowak")
    browser_page.locator("input[name=email]").fill("katarzyna@example.org")
    browser_page.get_by_role("button", name=said("pl", "Sign the petition")).click()
    browser_page.wait_for_url("**?signed=1*")
    assert urlsplit(browser_page.url).path == path
    assert Signature.objects.count() == 1


def test_without_javascript_the_sign_url_leads_to_the_petition(
    chromium, live_server, petition
):
    path = localized_url(petition, "pl")
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 900}
    )
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    try:
        browser_page.goto(live_server.url + path)
        send_with_a_bad_address(browser_page, "pl")
        sign_url = browser_page.url
        assert urlsplit(sign_url).path == f"/petitions/{petition.pk}/sign/"
        # That address opened (Enter in the address bar, or passed on): the petition.
        browser_page.goto(sign_url)
        assert urlsplit(browser_page.url).path == path
        assert browser_page.locator("html").get_attribute("lang") == "pl"
        assert browser_page.locator(".petition-form").is_visible()
    finally:
        context.close()
