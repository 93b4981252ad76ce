"""A public form's 429 says when to come back: Retry-After, the seconds left in the
limit's window (counters are aligned to it), so a client or a proxy need not guess."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from cms.ratelimit import counter_cache
from subscribers.models import SignupPage
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    UserFactory,
    build_event,
    build_petition_page,
)
from tests.security.production import https_client

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
    assert first.status_code in (200, 303)
    assert "Retry-After" not in first

    refused = client.post(url, {**data, "email": "retry-after-2@example.org"})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600


def test_a_locked_sign_in_says_when_to_come_back(production, settings, home_page):
    """The admin's lockout (django-axes) is a 429 too: Retry-After is the cool-off,
    which each refused attempt starts again."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=7)
    UserFactory(username="organizer", password="the-right-passphrase-42")
    guesser = https_client(REMOTE_ADDR="203.0.113.70")

    def sign_in(password):
        return guesser.post(
            "/admin/login/", {"username": "organizer", "password": password}
        )

    answers = [sign_in(f"guess-{n}") for n in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Retry-After" not in answers[0]
    assert answers[-1]["Retry-After"] == "420"
    # Still refused, even with the right password, and told the same.
    again = sign_in("the-right-passphrase-42")
    assert again.status_code == 429
    assert again["Retry-After"] == "420"
