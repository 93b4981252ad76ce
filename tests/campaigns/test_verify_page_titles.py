"""The verification link's page when the link is bad (400), or when it counted the
signature of a petition since taken down: its <title>, the first thing a screen reader
reads and what the browser tab shows, said "Confirm your signature" above a heading
saying the link does not work, or thanking the signer. The title now says what the
heading says."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.services.petitions import record_signature, verification_token
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


def title(body: str) -> str:
    return re.search(r"<title[^>]*>(.*?) · ", body, re.S).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_link_is_titled_as_it_is_headed(language):
    prefix = "" if language == "en" else f"/{language}"
    response = Client().get(f"{prefix}/petitions/verify/bogus/")
    assert response.status_code == 400
    body = response.content.decode().replace("&#x27;", "'")
    assert title(body) == said(language, "This link does not work")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_signature_counted_on_a_petition_since_taken_down_is_titled_signed(
    petition, language
):
    petition.require_verification = True
    petition.save_revision().publish()
    signature_id = record_signature(
        page=petition, email="gone@example.org", language=language
    ).signature_id
    petition.unpublish()
    url = reverse(
        "verify_signature", args=[verification_token(signature_id=signature_id)]
    )
    response = Client().post(url)
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert said(language, "Thank you! Your signature counts.") in body
    assert title(body) == said(language, "Thank you! Your signature counts.")
