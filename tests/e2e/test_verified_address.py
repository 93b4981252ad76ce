"""A signer who follows their verification link lands on the petition's thank-you
state (…/?signed=verified#signed) and, being the reader who has just signed, is the one
who copies the address bar to pass the petition on. The friends who opened that copy
read "Thank you! Your signature counts." about a signature they never made. Once the
signer is thanked, the address bar says the petition's own address: the friends who
open it find the form. Without JavaScript the address stays, and the thank-you page
still leads to the form (test_verified_thanks.py)."""

import pytest
from django.urls import reverse

from campaigns.services.petitions import record_signature, verification_token
from tests.caches import use_private_caches
from tests.factories import CampaignFactory, build_petition_page, translate_page
from tests.languages import said

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_state(settings):
    from campaigns.selectors import clear_petition_copies

    use_private_caches(settings, "e2e-verified-address")
    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_address_a_verified_signer_copies_asks_friends_to_sign(
    live_server, open_page, home_page, language
):
    campaign = CampaignFactory(name="Verified", slug="verified", goal=100)
    english = build_petition_page(home_page, campaign, require_verification=True)
    page = english if language == "en" else translate_page(english, language)
    signature_id = record_signature(
        page=page, email="signer@example.org", language=language
    ).signature_id
    link = reverse(
        "verify_signature", args=[verification_token(signature_id=signature_id)]
    )

    signer = open_page(width=390, height=844)
    signer.goto(live_server.url + link)
    signer.get_by_role("button", name=said(language, "Yes, count my signature")).click()
    thanks = said(language, "Thank you! Your signature counts.")
    signer.get_by_role("heading", name=thanks).wait_for()
    signer.wait_for_load_state("load")
    copied = signer.evaluate("() => window.location.href")
    assert copied == live_server.url + page.url

    friend = open_page(width=390, height=844)
    friend.goto(copied)
    assert friend.get_by_role("heading", name=thanks).count() == 0
    assert friend.locator("form.petition-form").is_visible()
    assert friend.locator("html").get_attribute("lang") == language
