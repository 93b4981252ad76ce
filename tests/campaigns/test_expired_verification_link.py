"""A signer who opened their verification e-mail more than 14 days later got a 400
"This link does not work: the link is incomplete or has expired", the page a cut or
altered link gets, with no way back to the petition. A genuine link past its age is
now told apart, as the subscribers' links are: 410, "This link has expired", in the
signer's language, with a link to sign the petition again in that language. A cut or
altered link still gets its 400."""

import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.models import Signature
from campaigns.services.petitions import (
    VERIFY_MAX_AGE,
    record_signature,
    verification_token,
)
from tests.factories import translate_page
from tests.languages import said

pytestmark = pytest.mark.django_db

EXPIRED = "This link has expired"


@pytest.fixture
def verified_petition(petition):
    petition.require_verification = True
    petition.save_revision().publish()
    return petition


def old_link(signature_id: int, language: str, *, days: int = 15) -> str:
    """The link as it was mailed ``days`` ago, under the signer's prefix."""
    then = time.time() - days * 24 * 3600
    with mock.patch("cms.mail_tokens.time.time", return_value=then):
        token = verification_token(signature_id=signature_id)
    with translation.override(language):
        return reverse("verify_signature", args=[token])


def sign(page, language: str) -> int:
    return record_signature(
        page=page, email=f"late-{language}@example.org", language=language
    ).signature_id


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_past_its_age_says_it_expired_in_the_signers_language(
    client, verified_petition, language, method
):
    translated = translate_page(verified_petition, language, title=f"({language})")
    url = old_link(sign(verified_petition, language), language)
    response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert f"<h1>{said(language, EXPIRED)}</h1>" in body
    assert said(language, "This link does not work") not in body
    # The way back: the petition, in the signer's language.
    assert f'href="{translated.url}"' in body
    assert said(language, "Sign the petition again") in body
    assert response["Content-Language"] == language
    assert not Signature.objects.filter(status=Signature.Status.VERIFIED).exists()


def test_a_link_still_in_its_age_asks_to_confirm(client, verified_petition):
    url = old_link(sign(verified_petition, "ar"), "ar", days=13)
    assert VERIFY_MAX_AGE > 13 * 24 * 3600
    assert client.get(url).status_code == 200


def test_an_expired_link_whose_signature_was_purged_still_says_expired(
    client, verified_petition
):
    """Pending signatures are purged after the link's age: nothing says the signer's
    language or petition then but the link's own prefix."""
    signature_id = sign(verified_petition, "ar")
    url = old_link(signature_id, "ar")
    Signature.objects.filter(pk=signature_id).delete()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    body = response.content.decode()
    assert '<html lang="ar"' in body
    assert f"<h1>{said('ar', EXPIRED)}</h1>" in body


def test_a_cut_link_is_still_a_bad_link(client, verified_petition):
    url = old_link(sign(verified_petition, "es"), "es")
    response = client.get(url[:-6] + "/")
    assert response.status_code == 400
    assert said("es", "This link does not work") in response.content.decode()
