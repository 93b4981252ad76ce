"""Staff erasing someone who phoned to be forgotten: a suppression saved with the reason
"erased at the person's request" erases the person. Before, it only blocked the address
while the person, their subscriptions, signatures and RSVPs stayed (found by the lead,
round 17, following the staff round's note that staff had no way to erase anyone)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Signature
from events.models import Rsvp
from events.services import record_rsvp
from subscribers.crypto import lookup_hash
from subscribers.models import Subscriber, Subscription, Suppression
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
)

pytestmark = pytest.mark.django_db

ADDRESS = "ana@example.org"


@pytest.fixture
def ana(home_page):
    legal = MailingListFactory(slug="legal")
    subscribe(ADDRESS, [legal])
    Signature.objects.create(
        campaign=CampaignFactory(slug="hate-has-no-place"),
        name="Ana",
        email=ADDRESS,
        email_hash=lookup_hash(ADDRESS),
        zip_code="60601",
        status=Signature.Status.VERIFIED,
        created_at=timezone.now(),
        verified_at=timezone.now(),
    )
    event = build_event(title="Legal clinic", rsvp_mode="internal")
    record_rsvp(event_id=event.pk, name="Ana", email=ADDRESS, language="es")
    subscribe("omar@example.org", [legal])


def held_about_ana() -> dict[str, int]:
    digest = lookup_hash(ADDRESS)
    return {
        "subscribers": Subscriber.objects.filter(email_hash=digest).count(),
        "subscriptions": Subscription.objects.filter(
            subscriber__email_hash=digest
        ).count(),
        "signatures": Signature.objects.filter(email_hash=digest).count(),
        "rsvps": Rsvp.objects.filter(email_hash=digest).count(),
    }


NOTHING = {"subscribers": 0, "subscriptions": 0, "signatures": 0, "rsvps": 0}
EVERYTHING = {"subscribers": 1, "subscriptions": 1, "signatures": 1, "rsvps": 1}


def test_a_suppression_added_as_erased_erases_the_person(client, ana):
    assert held_about_ana() == EVERYTHING
    client.force_login(SuperuserFactory(username="boss"))
    form = client.get(reverse("suppression:add")).content.decode()
    assert "also deletes everything held about the address" in form

    added = client.post(
        reverse("suppression:add"), {"email": "Ana@Example.org", "reason": "erased"}
    )

    assert added.status_code == 302
    assert held_about_ana() == NOTHING
    assert Suppression.objects.get().reason == Suppression.Reason.ERASED
    assert Subscriber.objects.filter(
        email_hash=lookup_hash("omar@example.org")
    ).exists()


def test_a_suppression_changed_to_erased_erases_the_person(client, ana):
    bounced = Suppression.objects.create(
        email_hash=lookup_hash(ADDRESS), reason=Suppression.Reason.HARD_BOUNCE
    )
    client.force_login(SuperuserFactory(username="boss"))

    edited = client.post(
        reverse("suppression:edit", args=[bounced.pk]), {"reason": "erased"}
    )

    assert edited.status_code == 302
    assert held_about_ana() == NOTHING
    bounced.refresh_from_db()
    assert bounced.reason == Suppression.Reason.ERASED


def test_other_reasons_only_block_the_address(client, ana):
    client.force_login(SuperuserFactory(username="boss"))
    client.post(reverse("suppression:add"), {"email": ADDRESS, "reason": "staff"})
    assert Suppression.objects.get().reason == Suppression.Reason.STAFF
    assert held_about_ana() == EVERYTHING


def test_an_address_never_known_is_kept_blocked(client, ana):
    client.force_login(SuperuserFactory(username="boss"))
    added = client.post(
        reverse("suppression:add"), {"email": "luz@example.org", "reason": "erased"}
    )
    assert added.status_code == 302
    assert Suppression.objects.filter(email_hash=lookup_hash("luz@example.org")).get()
    assert held_about_ana() == EVERYTHING
