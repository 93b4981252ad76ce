import pytest

from subscribers import services
from subscribers.crypto import lookup_hash
from subscribers.models import Subscriber, Subscription, Suppression
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db


def test_request_signup_creates_pending_rows_once():
    legal, outreach = MailingListFactory(), MailingListFactory()
    for _ in range(2):
        subscriber = services.request_signup(
            email="Ana@Example.org",
            language="es",
            list_ids=[legal.pk, outreach.pk],
            source=Subscription.Source.SIGNUP,
            name="Ana",
        )
    assert Subscriber.objects.count() == 1
    assert subscriber.email == "ana@example.org"
    statuses = set(Subscription.objects.values_list("mailing_list_id", "status"))
    assert statuses == {(legal.pk, "pending"), (outreach.pk, "pending")}


def test_request_signup_ignores_suppressed_addresses():
    mailing_list = MailingListFactory()
    Suppression.objects.create(
        email_hash=lookup_hash("gone@example.org"), reason="erased"
    )
    result = services.request_signup(
        email="gone@example.org",
        language="en",
        list_ids=[mailing_list.pk],
        source="signup",
    )
    assert result is None
    assert not Subscriber.objects.exists()
