"""A public form's 429 says when to come back: Retry-After, the seconds left in the
limit's window (counters are aligned to it), so a client or a proxy need not guess."""

import pytest
from django.core.cache import cache

from cms.ratelimit import counter_cache
from subscribers.models import SignupPage
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def doors(home_page):
    yield _doors(home_page)
    # The counters outlive the test in this process: other tests' addresses are these.
    counter_cache().clear()


def _doors(home_page):
    cache.clear()
    listing = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    event = build_event(rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())
    person = {"name": "Ana Morales", "website": ""}
    return {
        "signup.client": (
            signup.url,
            {**person, "lists": [listing.pk], "language": "es"},
        ),
        "rsvp.client": (f"/es/_events/{event.pk}/rsvp/", person),
        "petition.client": (f"/petitions/{petition.pk}/sign/", person),
    }


@pytest.mark.parametrize("limit", ["signup.client", "rsvp.client", "petition.client"])
def test_a_refusal_says_when_to_come_back(client, doors, rate_limit, limit):
    rate_limit(limit, "1/10m")
    url, data = doors[limit]
    first = client.post(url, {**data, "email": "retry-after-1@example.org"})
    assert first.status_code in (200, 302)
    assert "Retry-After" not in first

    refused = client.post(url, {**data, "email": "retry-after-2@example.org"})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
