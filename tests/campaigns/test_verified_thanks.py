"""The page a signer lands on after following their verification link thanked them
and then asked "Not signed yet? Sign the petition", as if they had not. It thanks them
and offers sharing, in every language, without asking them to sign again; yet its
address (…/?signed=verified#signed) is what the signer copies from the address bar and
sends on, and the friends who open it got a thank-you page with no way to the form.
It now asks "Did someone share this page with you?" before a link to the form, as the
other thank-you states keep one
(test_views.test_a_thank_you_address_passed_on_still_leads_to_the_form)."""

import re

import pytest
from django.test import Client

from tests.factories import translate_page
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["verified", "joined"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_verified_signer_is_thanked_and_friends_can_still_sign(
    petition, language, state
):
    page = petition if language == "en" else translate_page(petition, language)
    body = Client().get(f"{page.url}?signed={state}").content.decode()
    body = body.replace("&#x27;", "'")
    assert said(language, "Thank you! Your signature counts.") in body
    assert said(language, "Share this petition") in body
    assert 'class="share-links"' in body
    assert 'class="petition-form"' not in body
    assert said(language, "Not signed yet?") not in body
    # The friends the address was passed on to reach the form from it.
    link = re.search(r'<p class="petition-not-signed">(.*?)</p>', body, re.S)
    assert link, "a way to the form for whoever the address was sent to"
    assert link.group(1).startswith(
        said(language, "Did someone share this page with you?")
    )
    assert f'<a href="{page.url}#sign">{said(language, "Sign the petition")}</a>' in (
        link.group(1)
    )
    form = Client().get(page.url).content.decode()
    assert 'id="sign"' in form
    assert 'class="petition-form"' in form
