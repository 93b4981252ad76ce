"""A JSON object that names a key twice is refused. Python's json (and so the API)
kept the last value silently, while a validating proxy or a partner's own log may read
the first: ``{"address": "a@x", "address": "b@y"}`` was checked as one address and
stored as the other. Now a 400 in the API's JSON error shape, before anything is
written."""

import json

import pytest

from campaigns.models import Signature
from subscribers.models import Subscriber, Subscription

from .conftest import auth, make_key, person

pytestmark = pytest.mark.django_db


def raw_post(client, path: str, text: str, token: str, **extra):
    return client.post(
        path,
        text,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="dup-1",
        **auth(token),
        **extra,
    )


def test_a_duplicate_key_inside_the_person_is_a_400(client, world):
    _key, token = make_key(world)
    body = json.dumps({"person": person("ana@example.org"), "lists": [world.list_a.pk]})
    # The same key twice in the address object: the one a proxy checked, then another.
    text = body.replace(
        '"address": "ana@example.org"',
        '"address": "ana@example.org", "address": "bo@example.org"',
    )
    assert text.count('"address"') == 2
    response = raw_post(
        client, "/api/v1/people/", text, token, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["code"] == "duplicate_key"
    assert "address" in answer["detail"]
    assert answer["errors"] == {"request": [answer["detail"]]}
    assert response["Content-Language"] == "es"
    assert answer["detail"] != "The request body is not valid JSON."
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()


def test_a_duplicate_key_at_the_top_is_a_400(client, world):
    _key, token = make_key(world)
    one = json.dumps({"person": person("ana@example.org")})
    two = json.dumps(person("bo@example.org"))
    text = one[:-1] + f', "person": {two}}}'
    path = f"/api/v1/petitions/{world.petition_a.pk}/signatures/"
    response = raw_post(client, path, text, token)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "duplicate_key"
    assert "person" in response.json()["detail"]
    assert not Signature.objects.exists()


def test_keys_that_differ_only_in_case_are_two_keys(client, world):
    """Only the same key twice is refused: "Person" is not "person" (and is ignored)."""
    _key, token = make_key(world)
    body = {"person": person("ana@example.org"), "Person": {}}
    path = f"/api/v1/petitions/{world.petition_a.pk}/signatures/"
    response = raw_post(client, path, json.dumps(body), token)
    assert response.status_code == 202, response.content


def test_a_body_that_is_not_json_keeps_its_own_answer(client, world):
    _key, token = make_key(world)
    response = raw_post(client, "/api/v1/people/", '{"person": ', token)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"] == "The request body is not valid JSON."


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, world, constant):
    """Python's json reads them; RFC 8259 has no such value, so a strict proxy in
    front refuses what we would take (the same disagreement as a duplicate key)."""
    _key, token = make_key(world)
    text = f'{{"person": {constant}, "lists": [{world.list_a.pk}]}}'
    response = raw_post(client, "/api/v1/people/", text, token)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"] == "The request body is not valid JSON."
