"""Signing a petition that needs verification with "also keep me informed" ticked sent
two e-mails (confirm your signature; confirm your subscription) whose links each
confirmed only their own half, while the thank-you page spoke of "a link". Now one
e-mail, whose one link counts the signature and confirms the lists: the lists still
wait for that link (double opt-in), and the thanks say so, in each language."""

import re

import pytest
from django.core import mail

from campaigns.models import Signature
from campaigns.services.notifications import send_signature_verification
from campaigns.services.petitions import record_signature
from campaigns.tasks import send_signature_verification_task
from subscribers.models import Subscriber, Subscription
from subscribers.tasks import process_signup_request_task, send_confirmation_task
from tests.campaigns.test_views import sign_url
from tests.factories import MailingListFactory
from tests.languages import LANGUAGES, said
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db

ADDRESS = "katarzyna.nowak@example.org"


@pytest.fixture
def workers(monkeypatch):
    """Each queued task runs as the worker would, once the request commits."""
    for task in (
        send_signature_verification_task,
        process_signup_request_task,
        send_confirmation_task,
    ):
        monkeypatch.setattr(task, "delay", task)


@pytest.fixture
def offered(petition):
    petition.require_verification = True
    petition.save_revision().publish()
    legal = MailingListFactory(slug="legal-protection", name="Legal Protection")
    petition.campaign.default_lists.add(legal)
    return legal


def the_link(message) -> str:
    """The one link in the e-mail, as a path."""
    (path,) = re.findall(r"https?://[^/\s]+(/\S*petitions/verify/\S+/)", message.body)
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_email_one_link_counts_the_signature_and_joins_the_list(
    client, petition, offered, workers, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"{sign_url(petition)}?lang={language}",
            {
                "name": "Katarzyna Nowak",
                "email": ADDRESS,
                "lists": [offered.pk],
                "list_language": language,
                "website": "",
            },
        )
    assert answer.status_code == 303
    assert answer["Location"].endswith("?signed=confirm#signed")

    (message,) = mail.outbox  # not a second one for the list
    assert message.subject == said(
        language, "Confirm your signature and subscription: %(petition)s"
    ) % {"petition": petition.title}
    assert "Legal Protection" in message.body
    assert said(language, "The same link adds you to the lists you chose:") in (
        message.body
    )
    subscriber = Subscriber.objects.with_email(ADDRESS).get()
    (subscription,) = subscriber.subscriptions.all()
    assert subscription.status == Subscription.Status.PENDING, "double opt-in kept"

    thanks = client.get(answer["Location"]).content.decode()
    assert said(
        language,
        "If this address still needs to confirm, we have sent it one e-mail. Its one "
        "link counts your signature and adds you to the lists you chose.",
    ) in thanks.replace("&#x27;", "'")

    link = the_link(message)
    asking = client.get(link).content.decode()
    assert said(language, "Yes, count my signature and add me to these lists") in (
        asking
    )
    assert Signature.objects.get().status == Signature.Status.PENDING, "GET: nothing"
    done = client.post(link)
    assert done.status_code == 303
    assert done["Location"].endswith("?signed=joined#signed")
    assert Signature.objects.get().status == Signature.Status.VERIFIED
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert said(language, "You are on the lists you chose, too.") in (
        client.get(done["Location"]).content.decode()
    )
    assert len(mail.outbox) == 1


def test_a_signer_verified_already_gets_the_lists_own_email(
    petition, offered, workers, django_capture_on_commit_callbacks
):
    """Their signature has nothing left to confirm: the list's confirmation asks."""
    signature_id = record_signature(page=petition, email=ADDRESS, language="es")
    Signature.objects.filter(pk=signature_id.signature_id).update(
        status=Signature.Status.VERIFIED
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_signature(
            page=petition, email=ADDRESS, language="es", list_ids=[offered.pk]
        )
    (message,) = mail.outbox
    assert message.subject == said("es", "Please confirm your subscription")


def test_a_resent_verification_names_the_lists_still_pending(
    petition, offered, django_capture_on_commit_callbacks
):
    """The resend beat (a broker outage) queues the signature's id alone."""
    with django_capture_on_commit_callbacks(execute=False):
        outcome = record_signature(
            page=petition, email=ADDRESS, language="ar", list_ids=[offered.pk]
        )
    run_signup_requests()
    assert not mail.outbox

    assert send_signature_verification(signature_id=outcome.signature_id)
    (message,) = mail.outbox
    assert "Legal Protection" in message.body
    assert said(
        "ar", "Open this link to count your signature and join these lists:"
    ) in (message.body)
