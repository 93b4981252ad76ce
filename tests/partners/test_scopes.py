"""Acceptance: every endpoint x every kind of key; a key for A can neither read nor
write B (0 leaks), and a key lacking an action gets nothing from that action."""

import json
import uuid

import pytest
from django.utils import timezone

from campaigns.models import Signature
from cms.partners.models import Action, PersonalDataRead
from events.models import Rsvp
from subscribers import crypto
from subscribers.models import Subscription
from tests.factories import make_subscriber

from .conftest import ALL_ACTIONS, auth, make_key, person, post

pytestmark = pytest.mark.django_db

READ, EXPORT = Action.READ_AGGREGATES, Action.EXPORT


def seed_secrets(world) -> None:
    """Personal data on both sides; the B side's must never reach an A key."""
    for side, mailing_list in (("a", world.list_a), ("b", world.list_b)):
        subscriber = make_subscriber(f"secret-{side}@example.org", language="es")
        subscriber.name = f"Secret Person {side.upper()}"
        subscriber.save()
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
            source="import",
            consented_at=timezone.now(),
        )
    now = timezone.now()
    Signature.objects.create(
        campaign=world.campaign_b,
        page=world.petition_b,
        email="signer-b@example.org",
        email_hash=crypto.lookup_hash("signer-b@example.org"),
        mailbox_hash=crypto.lookup_hash("signer-b@example.org"),
        status=Signature.Status.VERIFIED,
        created_at=now,
        verified_at=now,
    )


def endpoints(world):
    """(name, side, action, method, path, body-builder) for every endpoint."""
    a, b = world, world
    rows = [
        ("lists", "*", READ, "get", "/api/v1/lists/", None),
        ("campaigns", "*", READ, "get", "/api/v1/campaigns/", None),
        ("petitions", "*", READ, "get", "/api/v1/petitions/", None),
        ("events", "*", READ, "get", "/api/v1/events/", None),
    ]
    for side, w in (("a", a), ("b", b)):
        lst = w.list_a if side == "a" else w.list_b
        campaign = w.campaign_a if side == "a" else w.campaign_b
        petition = w.petition_a if side == "a" else w.petition_b
        event = w.event_a if side == "a" else w.event_b
        rows += [
            ("list", side, READ, "get", f"/api/v1/lists/{lst.pk}/", None),
            ("people", side, EXPORT, "get", f"/api/v1/lists/{lst.pk}/people/", None),
            ("campaign", side, READ, "get", f"/api/v1/campaigns/{campaign.pk}/", None),
            ("petition", side, READ, "get", f"/api/v1/petitions/{petition.pk}/", None),
            ("event", side, READ, "get", f"/api/v1/events/{event.pk}/", None),
            (
                "signup",
                side,
                Action.SIGNUP,
                "post",
                "/api/v1/people/",
                lambda email, lst=lst: {"person": person(email), "lists": [lst.pk]},
            ),
            (
                "sign",
                side,
                Action.SIGN,
                "post",
                f"/api/v1/petitions/{petition.pk}/signatures/",
                lambda email: {"person": person(email)},
            ),
            (
                "rsvp",
                side,
                Action.RSVP,
                "post",
                f"/api/v1/events/{event.pk}/attendances/",
                lambda email: {"person": person(email)},
            ),
        ]
    return rows


def written(world, side: str, name: str, email: str) -> bool:
    """Did a write for ``email`` land on ``side``?"""
    email_hash = crypto.lookup_hash(email)
    if name == "signup":
        lst = world.list_a if side == "a" else world.list_b
        return Subscription.objects.filter(
            mailing_list=lst, subscriber__email_hash=email_hash
        ).exists()
    if name == "sign":
        campaign = world.campaign_a if side == "a" else world.campaign_b
        return Signature.objects.filter(
            campaign=campaign, email_hash=email_hash
        ).exists()
    event = world.event_a if side == "a" else world.event_b
    return Rsvp.objects.filter(event=event, email_hash=email_hash).exists()


def names_of(world, side: str) -> list[str]:
    if side == "a":
        return [
            world.list_a.name,
            world.campaign_a.name,
            world.event_a.title,
            "secret-a@example.org",
        ]
    return [
        world.list_b.name,
        world.campaign_b.name,
        world.petition_b.title,
        world.event_b.title,
        "secret-b@example.org",
        "Secret Person B",
    ]


def test_scope_matrix_has_no_leaks(client, world):
    seed_secrets(world)
    keys = {
        "all_a": (make_key(world)[1], ALL_ACTIONS, "a"),
        "read_a": (make_key(world, [READ])[1], [READ], "a"),
        "write_a": (
            make_key(world, [Action.SIGNUP, Action.SIGN, Action.RSVP])[1],
            [Action.SIGNUP, Action.SIGN, Action.RSVP],
            "a",
        ),
        "export_only_a": (make_key(world, [EXPORT])[1], [EXPORT], "a"),
        "all_b": (
            make_key(
                world,
                lists=[world.list_b],
                export_lists=[world.list_b],
                campaigns=[world.campaign_b],
                events=[world.event_b],
            )[1],
            ALL_ACTIONS,
            "b",
        ),
        "no_actions_a": (make_key(world, [])[1], [], "a"),
    }
    leaks, checked = [], 0
    for key_name, (token, actions, own) in keys.items():
        other = "b" if own == "a" else "a"
        for name, side, action, method, path, build in endpoints(world):
            email = f"{key_name}-{name}-{side}-{uuid.uuid4().hex[:6]}@example.org"
            if method == "get":
                response = client.get(path, **auth(token))
            else:
                response = post(client, path, build(email), token)
            body = response.content.decode()
            allowed = action in actions and side in ("*", own)
            checked += 1
            problem = None
            if allowed:
                expected = 202 if method == "post" else 200
                if response.status_code != expected:
                    problem = f"refused ({response.status_code}) {body[:200]}"
                elif method == "post" and not written(world, side, name, email):
                    problem = "accepted but not written"
            else:
                if response.status_code not in (400, 403, 404):
                    problem = f"allowed ({response.status_code})"
                elif method == "post" and written(world, side, name, email):
                    problem = "refused but written"
                elif any(word in body for word in ("total_", "email_addresses")):
                    problem = f"data in a refusal: {body[:200]}"
            # Whatever the answer, nothing of the other side ever shows.
            if any(secret in body for secret in names_of(world, other)):
                problem = f"leaked {other}: {body[:300]}"
            if problem:
                leaks.append((key_name, method, path, problem))
    assert leaks == []
    assert checked == len(keys) * len(endpoints(world)) == 6 * 20


def test_collections_list_only_the_keys_own_items(client, world):
    seed_secrets(world)
    _key, token = make_key(world)
    for path, expected in (
        ("/api/v1/lists/", [world.list_a.pk]),
        ("/api/v1/campaigns/", [world.campaign_a.pk]),
        ("/api/v1/petitions/", [world.petition_a.pk]),
        ("/api/v1/events/", [world.event_a.pk]),
    ):
        response = client.get(path, **auth(token))
        assert response.status_code == 200
        assert [item["id"] for item in response.json()] == expected


def test_aggregates_are_counts_and_exports_are_logged(client, world):
    seed_secrets(world)
    key, token = make_key(world)
    counts = client.get(f"/api/v1/lists/{world.list_a.pk}/", **auth(token)).json()
    assert counts == {
        "id": world.list_a.pk,
        "name": "Community Outreach/Education",
        "description": "",
        "total_confirmed": None,  # one person: too few to show
        "confirmed_by_language": {"es": None},
    }
    assert "secret-a" not in json.dumps(counts)
    assert PersonalDataRead.objects.count() == 0

    people = client.get(f"/api/v1/lists/{world.list_a.pk}/people/", **auth(token))
    assert people.status_code == 200
    page = people.json()
    assert page["total_records"] == 1
    assert page["people"][0]["email_addresses"] == [
        {"address": "secret-a@example.org", "primary": True}
    ]
    assert page["people"][0]["name"] == "Secret Person A"
    read = PersonalDataRead.objects.get()
    assert (read.api_key, read.mailing_list, read.channel, read.records) == (
        key,
        world.list_a,
        "api",
        1,
    )


def test_export_needs_the_list_named_for_export(client, world):
    seed_secrets(world)
    # All actions, list A in scope, but no export list: names and addresses stay home.
    _key, token = make_key(world, export=False)
    response = client.get(f"/api/v1/lists/{world.list_a.pk}/people/", **auth(token))
    assert response.status_code == 404
    assert "secret-a" not in response.content.decode()
    assert PersonalDataRead.objects.count() == 0


def test_revoked_and_wrong_keys_are_refused(client, world):
    from cms.partners.keys import revoke_api_key

    key, token = make_key(world)
    assert client.get("/api/v1/lists/", **auth(token)).status_code == 200
    revoke_api_key(user=world.staff, key_id=key.pk)
    for header in (token, token[:-1] + "x", "ona_nope_nope", "garbage"):
        response = client.get("/api/v1/lists/", **auth(header))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/v1/lists/").status_code == 401


def test_keys_are_stored_hashed_and_note_their_last_use(client, world):
    key, token = make_key(world)
    assert token.startswith(f"ona_{key.prefix}_")
    key.refresh_from_db()
    assert token not in key.secret_hash
    assert key.prefix in token
    assert key.last_used_at is None
    client.get("/api/v1/key/", **auth(token))
    key.refresh_from_db()
    assert key.last_used_at is not None
    described = client.get("/api/v1/key/", **auth(token)).json()
    assert described["lists"] == [world.list_a.pk]
    assert described["partner"] == "The Resurrection Project"
