"""Each error status under /api/ that Django answers outside an endpoint gets its own
``code`` in the JSON: the earlier round found every 4xx but 404, 405 and 413 labelled
"bad_request", so a client could not tell a refused key or a rate limit from a body it
had spelled wrong. The errors come from a view added under /api/ for the test, through
the real middleware stack."""

import pytest
from django.http import HttpResponse
from django.urls import path

import cms.urls

pytestmark = pytest.mark.django_db


def _answer_with(request, status):
    response = HttpResponse("<h1>Nope</h1>", status=status)
    if status == 429:
        response["Retry-After"] = "42"
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


urlpatterns = [
    path("api/test-status/<int:status>/", _answer_with),
    *cms.urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def with_the_test_view(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (405, "method_not_allowed"),
        (406, "not_acceptable"),
        (409, "conflict"),
        (410, "gone"),
        (413, "too_large"),
        (415, "unsupported_media_type"),
        (422, "unprocessable_entity"),
        (429, "rate_limited"),
        (499, "bad_request"),
        (500, "server_error"),
        (503, "server_error"),
    ],
)
def test_each_status_has_its_own_code(client, status, code):
    response = client.get(f"/api/test-status/{status}/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code
    assert body["detail"]
    assert "Nope" not in body["detail"]
    assert response["Content-Language"] == "es"


def test_retry_after_and_www_authenticate_are_kept(client):
    assert client.get("/api/test-status/429/")["Retry-After"] == "42"
    assert client.get("/api/test-status/401/")["WWW-Authenticate"] == "Bearer"


def test_the_codes_read_in_the_reader_s_language(client):
    detail = client.get("/api/test-status/410/", HTTP_ACCEPT_LANGUAGE="es").json()[
        "detail"
    ]
    assert detail == "Esto ya no está disponible."
