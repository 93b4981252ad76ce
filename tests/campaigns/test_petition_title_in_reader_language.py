"""A signer whose language has a translation of the petition, signing on the page of
another language (a partner's widget or the partner API name the English petition
and the person's language), read the English title in their Spanish or Arabic
verification e-mail (subject and body) and on the confirmation page the link opens,
though the petition is published in their language. Without a page (a signature whose
petition was deleted), the campaign's English name, likewise. They now read the title
of the petition's translation in their language where one is live."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Signature
from campaigns.services.notifications import send_signature_verification
from campaigns.services.petitions import record_signature, verification_token
from cms.mail import outbox
from tests.factories import translate_page

pytestmark = pytest.mark.django_db

TITLES = {"es": "No al odio en Chicago", "ar": "لا مكان للكراهية في شيكاغو"}


@pytest.fixture
def verified_petition(petition):
    petition.require_verification = True
    petition.title = "Sign: hate has no place"
    petition.save_revision().publish()
    return petition


def sign(page, language: str) -> int:
    return record_signature(
        page=page, email=f"signer-{language}@example.org", language=language
    ).signature_id


def mails() -> list[tuple[str, str, str]]:
    found = []
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        found.append((str(message["Subject"]), *outbox.body_parts(message)))
    return found


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_verification_mail_names_the_petition_in_the_signers_language(
    verified_petition, outbox_dir, language
):
    translate_page(verified_petition, language, title=TITLES[language])
    signature_id = sign(verified_petition, language)
    assert send_signature_verification(signature_id=signature_id)
    ((subject, text, html),) = mails()
    assert TITLES[language] in subject
    assert TITLES[language] in text
    assert TITLES[language] in html
    assert verified_petition.title not in subject + text + html


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_confirmation_page_names_the_petition_in_the_signers_language(
    client, verified_petition, language
):
    translate_page(verified_petition, language, title=TITLES[language])
    token = verification_token(signature_id=sign(verified_petition, language))
    body = client.get(reverse("verify_signature", args=[token])).content.decode()
    assert f"<p>{TITLES[language]}</p>" in body
    assert verified_petition.title not in body


def test_an_untranslated_petition_keeps_its_own_title(verified_petition, outbox_dir):
    assert send_signature_verification(signature_id=sign(verified_petition, "pl"))
    ((subject, text, _html),) = mails()
    assert verified_petition.title in subject
    assert verified_petition.title in text


def test_a_signature_without_its_page_names_the_translated_petition(
    verified_petition, outbox_dir
):
    translate_page(verified_petition, "ar", title=TITLES["ar"])
    signature_id = sign(verified_petition, "ar")
    Signature.objects.filter(pk=signature_id).update(page_id=None)
    assert send_signature_verification(signature_id=signature_id)
    ((subject, text, _html),) = mails()
    assert TITLES["ar"] in subject
    assert TITLES["ar"] in text
    assert not re.search("Hate has no place", subject + text)
