"""Every answer under /api/ is JSON with the documented {"detail", "code"}, also the
errors Django and django-ninja give before an endpoint runs, in DEBUG and not."""

import pytest

from .conftest import auth, make_key, person, post

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


def test_a_body_over_the_upload_limit_is_a_413(client, world, settings, debug):
    _key, token = make_key(world)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    body = {"person": person("ana@example.org"), "lists": [world.list_a.pk]}
    body["person"]["given_name"] = "x" * 5_000_000
    response = post(client, "/api/v1/people/", body, token, HTTP_ACCEPT_LANGUAGE="es")
    assert_json_error(response, 413, "too_large")
    assert response["Content-Language"] == "es"


def test_a_path_without_its_slash_is_a_308_to_it(client, world, debug):
    _key, token = make_key(world)
    body = {"person": person("ana@example.org"), "lists": [world.list_a.pk]}
    response = post(client, "/api/v1/people", body, token)
    assert_json_error(response, 308, "trailing_slash")
    assert response["Location"] == "/api/v1/people/"
    response = client.get(f"/api/v1/lists/{world.list_a.pk}?page=1", **auth(token))
    assert response.status_code == 308
    assert response["Location"] == f"/api/v1/lists/{world.list_a.pk}/?page=1"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/people", 308, "trailing_slash"),
        ("/api/v1/nothing/", 404, "not_found"),
        ("/api/v2/people/", 404, "not_found"),
    ],
)
def test_a_post_to_an_unknown_or_unslashed_path_passes_the_csrf_check(
    world, debug, path, status, code
):
    """A partner's client has no CSRF cookie; Django's test client skips the check
    unless told not to. A POST to /api/v1/people (no slash) or a mistyped path was
    refused by CsrfViewMiddleware (403) and answered "The request could not be
    read." with code bad_request, instead of the 308 to the slash or a 404."""
    from django.test import Client

    _key, token = make_key(world)
    client = Client(enforce_csrf_checks=True)
    body = {"person": person("ana@example.org"), "lists": [world.list_a.pk]}
    for secure in (False, True):  # over https CSRF also wants a Referer
        response = post(client, path, body, token, secure=secure)
        assert_json_error(response, status, code)


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v2/people/", "/api/", "/api/v1/nothing"]
)
def test_an_unknown_api_path_is_a_json_404(client, world, debug, path):
    _key, token = make_key(world)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="pl", **auth(token))
    assert_json_error(response, 404, "not_found")
    assert response["Content-Language"] == "pl"


@pytest.mark.parametrize("method", ["get", "delete", "options", "put"])
def test_a_method_an_endpoint_does_not_take_is_a_json_405(client, world, debug, method):
    _key, token = make_key(world)
    response = getattr(client, method)("/api/v1/people/", **auth(token))
    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_html_pages_outside_the_api_are_left_alone(client, world):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("spelling", ["true", "string", "float"])
def test_list_ids_must_be_whole_numbers(client, world, spelling):
    """pydantic's lax mode took ``true`` for list 1 (and ``"7"`` or ``7.0`` for list 7):
    a partner's bug joined people to whatever list had id 1."""
    from subscribers.models import Subscription

    _key, token = make_key(world)
    pk = world.list_a.pk
    lists = {"true": [True], "string": [str(pk)], "float": [float(pk)]}[spelling]
    body = {"person": person("ana@example.org"), "lists": lists}
    response = post(client, "/api/v1/people/", body, token)
    body = assert_json_error(response, 400, "invalid")
    assert body["errors"]["lists.0"] == ["This value has the wrong type."]
    assert not Subscription.objects.exists()
