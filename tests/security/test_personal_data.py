"""Export-my-data and erase, checked against every model that can point at a person.

The models are found by introspection: a foreign key to Subscriber, or an
``email_hash`` column (signatures, RSVPs, suppressions). A new model of either kind
fails these tests until it has a builder below, so export and erase keep up with it.
"""

import json

import pytest
from django.apps import apps
from django.utils import timezone

from campaigns.mailings.models import Delivery
from campaigns.models import CountedSignup, Signature
from cms.partners.models import PartnerConsent
from events.models import Rsvp
from subscribers import services
from subscribers.models import (
    EmailChange,
    SignupRequest,
    Subscriber,
    Subscription,
    Suppression,
)
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
from tests.factories import CampaignFactory, build_event

pytestmark = pytest.mark.django_db
EMAIL = "maria.lopez@example.org"


def linked_models() -> dict[str, str]:
    """label -> how it links ("fk" or "hash"), for every model but Subscriber itself."""
    found = {}
    for model in apps.get_models():
        if model is Subscriber:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Subscriber:
                found[model._meta.label_lower] = "fk"
            elif field.name == "email_hash":
                found[model._meta.label_lower] = "hash"
    return found


@pytest.fixture
def person(home_page):
    (legal,) = lists(1)
    subscriber = subscribe(EMAIL, [legal], name="María López", zip_code="60623")
    mailing = sending_mailing(home_page, [legal])
    Delivery.objects.create(mailing=mailing, subscriber=subscriber, language="en")
    campaign = CampaignFactory(slug="privacy")
    Signature.objects.create(
        campaign=campaign,
        name="María López",
        email=EMAIL,
        email_hash=subscriber.email_hash,
        zip_code="60623",
        created_at=timezone.now(),
    )
    # Counted once by a campaign's signup drive.
    CountedSignup.objects.create(
        campaign=campaign, subscriber=subscriber, counted_at=timezone.now()
    )
    Rsvp.objects.create(
        event=build_event(title="Know Your Rights", rsvp_mode="internal"),
        name="María López",
        email=EMAIL,
        email_hash=subscriber.email_hash,
        status=Rsvp.Status.choices[0][0],
    )
    PartnerConsent.objects.create(
        subscriber=subscriber,
        mailing_list=legal,
        partner="The Resurrection Project",
        statement="Yes, e-mail me news.",
        given_at=timezone.now(),
    )
    # A move to a new address she has not confirmed yet.
    EmailChange.objects.create(subscriber=subscriber, email="maria.nueva@example.net")
    Suppression.objects.create(email_hash=subscriber.email_hash, reason="complaint")
    # A signup of hers the worker has not recorded yet.
    services.submit_signup(
        email=EMAIL,
        language="es",
        list_ids=[legal.pk],
        source="signup",
        name="María López",
    )
    # Someone else, who must be untouched by María's export and erase.
    other = subscribe("someone.else@example.org", [legal], name="Other")
    Signature.objects.create(
        campaign=campaign,
        name="Other",
        email="someone.else@example.org",
        email_hash=other.email_hash,
        created_at=timezone.now(),
    )
    services.submit_signup(
        email="someone.else@example.org",
        language="en",
        list_ids=[legal.pk],
        source="signup",
    )
    return subscriber, other


def test_every_linked_model_has_a_row_in_these_tests(person):
    missing = {
        label
        for label in linked_models()
        if apps.get_model(label)._default_manager.count() == 0
    }
    assert not missing, f"models linked to a subscriber with no test row: {missing}"


def test_export_covers_every_linked_model(person):
    subscriber, _ = person
    data = services.export_subscriber_data(subscriber_id=subscriber.pk)
    text = json.dumps(data, ensure_ascii=False)
    assert data["subscriber"]["email"] == EMAIL
    assert data["subscriptions"]
    assert data["suppression"]["reason"] == "complaint"
    for label in linked_models():
        if label in ("subscribers.subscription", "subscribers.suppression"):
            continue
        assert data.get(label), f"export misses {label}"
    assert subscriber.email_hash not in text, "the keyed hash means nothing to them"
    assert "someone.else@example.org" not in text
    assert "Know Your Rights" in text, "RSVPs name their event"


def test_erase_leaves_only_the_hashed_suppression(person):
    subscriber, other = person
    digest = subscriber.email_hash
    assert services.erase_subscriber(subscriber_id=subscriber.pk)
    leftovers = {}
    for label, link in linked_models().items():
        manager = apps.get_model(label)._default_manager
        rows = (
            manager.filter(email_hash=digest)
            if link == "hash"
            else manager.filter(
                **{
                    next(
                        f.name
                        for f in manager.model._meta.concrete_fields
                        if f.is_relation and f.related_model is Subscriber
                    ): subscriber.pk
                }
            )
        )
        if rows.exists():
            leftovers[label] = rows.count()
    assert leftovers == {"subscribers.suppression": 1}, leftovers
    assert Suppression.objects.get(email_hash=digest).reason == "complaint"
    # What stays of the send is a count: no person behind it.
    assert Delivery.objects.filter(subscriber__isnull=True).count() == 1
    # Nobody else lost anything.
    assert Subscriber.objects.filter(pk=other.pk).exists()
    assert Signature.objects.filter(email_hash=other.email_hash).count() == 1
    assert Subscription.objects.filter(subscriber=other).count() == 1
    assert SignupRequest.objects.filter(email_hash=other.email_hash).count() == 1
