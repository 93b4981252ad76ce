"""A petition's field errors, as a screen reader finds them, with JavaScript off.

The signup and RSVP forms show each field's error as an alert tied to its field
(role="alert", the field aria-invalid and described by it); the petition showed a bare
list under the field, which no screen reader announced. Now it says them as the others
do. Sent without JavaScript from the Arabic page, the refusal is still in Arabic, right
to left, its form still answering in Arabic.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.caches import use_private_caches
from tests.factories import CampaignFactory, build_home_page, build_petition_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_state(settings):
    from campaigns.selectors import clear_petition_copies

    use_private_caches(settings, "e2e-petition-field-errors")
    clear_petition_copies()
    yield
    clear_petition_copies()


def said(language: str, english: str) -> str:
    with translation.override(language):
        return translation.gettext(english)


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_a_petition_field_error_is_announced_and_tied_to_its_field(
    chromium, live_server, language
):
    petition = build_petition_page(
        build_home_page(), CampaignFactory(name="Errors", slug="errors")
    )
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/{language}{petition.url}")
        page.locator("input[name=name]").fill("Omar Haddad")
        page.locator("input[name=email]").fill("not an address")
        page.get_by_role("button", name=said(language, "Sign the petition")).click()
        page.locator(".form-error").wait_for()

        assert page.locator("html").get_attribute("lang") == language
        email = page.locator("input[name=email]")
        expect(email).to_have_attribute("aria-invalid", "true")
        message = said(language, "Enter a valid email address.")
        expect(email).to_have_accessible_description(re.compile(re.escape(message)))
        alert = page.get_by_role("alert").filter(has_text=message)
        expect(alert).to_have_count(1)
        # The form sent again answers in the same language.
        page.locator("input[name=email]").fill("still not one")
        page.get_by_role("button", name=said(language, "Sign the petition")).click()
        page.locator(".form-error").wait_for()
        assert page.locator("html").get_attribute("lang") == language
    finally:
        context.close()
