"""The page a signer lands on after following their verification link thanked them
and then asked "Not signed yet? Sign the petition", as if they had not. It now thanks
them and offers sharing only, in every language (the other thank-you states keep the
way to the form: test_views.test_a_thank_you_address_passed_on_still_leads_to_the_form)."""

import pytest
from django.test import Client

from tests.factories import translate_page
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["verified", "joined"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_verified_signer_is_thanked_and_not_asked_to_sign(petition, language, state):
    page = petition if language == "en" else translate_page(petition, language)
    body = Client().get(f"{page.url}?signed={state}").content.decode()
    body = body.replace("&#x27;", "'")
    assert said(language, "Thank you! Your signature counts.") in body
    assert said(language, "Share this petition") in body
    assert 'class="share-links"' in body
    assert 'class="petition-form"' not in body
    assert "petition-not-signed" not in body
    assert said(language, "Not signed yet?") not in body
