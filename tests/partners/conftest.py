"""Fixtures for the partner API: two of each resource (A in scope, B not) and keys."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.partners import keys
from cms.partners.models import Action
from cms.partners.webhooks.services import forget_endpoints
from tests.caches import use_private_caches
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
    build_home_page,
    build_petition_page,
)

ALL_ACTIONS = list(Action.values)


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate-limit counters live in the cache: give each test its own, never Redis's."""
    use_private_caches(settings, "partners")


@pytest.fixture(autouse=True)
def fresh_memos():
    """Rolled-back tests reuse ids: never let one test see another's endpoints or
    petitions."""
    from campaigns.selectors import clear_petition_copies

    clear_petition_copies()
    forget_endpoints()
    yield
    clear_petition_copies()
    forget_endpoints()


@dataclass
class World:
    """Two of everything: the keys' scopes hold the A side only."""

    list_a: object
    list_b: object
    campaign_a: object
    campaign_b: object
    petition_a: object
    petition_b: object
    event_a: object
    event_b: object
    staff: object


def build_world() -> World:
    home = build_home_page()
    campaign_a = CampaignFactory(name="Hate has no place in Chicago", slug="hate")
    campaign_b = CampaignFactory(name="Private drive", slug="private-drive")
    start = timezone.now() + timedelta(days=7)
    return World(
        list_a=MailingListFactory(
            name="Community Outreach/Education", slug="community"
        ),
        list_b=MailingListFactory(name="Legal Protection/Services", slug="legal"),
        campaign_a=campaign_a,
        campaign_b=campaign_b,
        petition_a=build_petition_page(home, campaign_a),
        petition_b=build_petition_page(
            home, campaign_b, title="Private petition", slug="private-petition"
        ),
        event_a=build_event(
            title="Know your rights", slug="kyr", start=start, rsvp_mode="internal"
        ),
        event_b=build_event(
            title="Closed meeting", slug="closed", start=start, rsvp_mode="internal"
        ),
        staff=SuperuserFactory(username="partner-admin"),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def make_key(world: World, actions=ALL_ACTIONS, *, export=True, **overrides):
    """A key scoped to the A side of ``world``; returns (key, token)."""
    fields = {
        "lists": [world.list_a],
        "export_lists": [world.list_a] if export else [],
        "campaigns": [world.campaign_a],
        "events": [world.event_a],
    }
    fields.update(overrides)
    return keys.create_api_key(
        user=world.staff,
        name="Sign-in sheets",
        partner="The Resurrection Project",
        actions=actions,
        **fields,
    )


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def person(email: str, *, language: str = "", name: str = "Ana García") -> dict:
    given, _, family = name.partition(" ")
    data = {
        "given_name": given,
        "family_name": family,
        "email_addresses": [{"address": email}],
        "postal_addresses": [{"postal_code": "60608"}],
    }
    if language:
        data["languages_spoken"] = [language]
    return data


def post(client, path: str, body: dict, token: str, *, key: str | None = None, **extra):
    return client.post(
        path,
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
        **auth(token),
        **extra,
    )
