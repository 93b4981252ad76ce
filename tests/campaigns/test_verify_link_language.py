"""The link that counts a signature carries the signer's language, like every other
e-mailed link: found by a newcomer signing the demo petition in Hindi, whose link was
/petitions/verify/... with no /hi/, so a cut or expired link answered in English."""

import pytest

from campaigns.models import Signature
from campaigns.services.petitions import record_signature
from campaigns.tasks import send_signature_verification_task
from cms.mail import outbox

pytestmark = pytest.mark.django_db


def _verification_path(petition, email: str, language: str) -> str:
    petition.require_verification = True
    petition.save_revision().publish()
    outcome = record_signature(page=petition, email=email, language=language)
    send_signature_verification_task(outcome.signature_id)
    (name,) = outbox.list_messages()
    text, _html = outbox.body_parts(outbox.read_message(name))
    link = next(line for line in text.split() if "/petitions/verify/" in line)
    return link.split("127.0.0.1:8000", 1)[1]


def test_a_hindi_signers_link_opens_in_hindi_even_when_it_no_longer_works(
    petition, outbox_dir, client
):
    path = _verification_path(petition, "vikram@example.org", "hi")
    assert path.startswith("/hi/petitions/verify/")

    # A mail client that cut the link's end: the page says so in the signer's words.
    broken = client.get(path[:-6] + "/")
    assert broken.status_code == 400
    assert broken["Content-Language"] == "hi"
    assert "यह लिंक काम नहीं कर रहा" in broken.content.decode()

    page = client.get(path)
    assert page["Content-Language"] == "hi"
    client.post(path)
    assert Signature.objects.get().status == Signature.Status.VERIFIED


def test_an_english_signers_link_keeps_its_unprefixed_address(
    petition, outbox_dir, client
):
    path = _verification_path(petition, "ana@example.org", "en")
    assert path.startswith("/petitions/verify/")
    client.post(path)
    assert Signature.objects.get().status == Signature.Status.VERIFIED
