"""With the broker (Redis) unreachable, a signup or signature is stored and answered
normally, never a 500; a signup's confirmation slot is released so a retry sends it.

Found in hardening: the on-commit publish raised kombu's OperationalError inside the
request, so the person saw a server error although their row was committed, and the
daily confirmation slot stayed taken.
"""

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from campaigns.models import Signature
from campaigns.tasks import send_signature_verification_task
from subscribers.models import SignupPage, Subscriber, Subscription
from subscribers.tasks import send_confirmation_task
from tests.factories import CampaignFactory, MailingListFactory, build_petition_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(monkeypatch):
    refused = []

    def refuse(self, *args, **kwargs):
        refused.append(self.name)
        raise OperationalError(
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )

    monkeypatch.setattr(
        type(send_confirmation_task._get_current_object()), "apply_async", refuse
    )
    monkeypatch.setattr(
        type(send_signature_verification_task._get_current_object()),
        "apply_async",
        refuse,
    )
    return refused


def test_signup_and_signature_survive_a_dead_broker(client, home_page, broker_down):
    legal = MailingListFactory(slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    petition = build_petition_page(
        home_page, CampaignFactory(slug="down"), require_verification=True
    )
    response = client.post(
        signup.url,
        {
            "email": "ana@example.org",
            "language": "es",
            "lists": [legal.pk],
            "website": "",
        },
    )
    assert response.status_code in (200, 302)
    signed = client.post(
        reverse("campaigns:sign", args=[petition.pk]),
        {"name": "Ana", "email": "ana@example.org", "zip_code": "60601", "website": ""},
    )
    assert signed.status_code in (200, 302)
    assert len(broker_down) == 2, broker_down
    subscriber = Subscriber.objects.get()
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    assert subscriber.confirmation_sent_at is None, "slot released for the retry"
    assert Signature.objects.get().status == Signature.Status.PENDING
