"""An id in a public URL too long for any row: a plain 404, never a 500.

SQLite (the embedded default) cannot bind an integer past 2**63 - 1, and Django's
``<int:...>`` let any run of digits through to the query (cms/url_converters.py).
"""

import pytest

from tests.factories import CampaignFactory, build_event, build_petition_page
from tests.security.production import HttpsClient

pytestmark = pytest.mark.django_db

TOO_LONG = "9" * 20  # past 2**64 too
LONGEST = "9" * 18


@pytest.fixture
def site(home_page, production):
    petition = build_petition_page(home_page, CampaignFactory(slug="with-you"))
    event = build_event(title="Know Your Rights", rsvp_mode="internal", capacity=50)
    return petition, event


def paths(number: str) -> list[str]:
    return [
        f"/_events/{number}/places/",
        f"/ar/_events/{number}/places/",
        f"/es/_events/{number}/rsvp/",
        f"/_events/{number}/rsvp/?sent=1",
        f"/petitions/embed/{number}/",
        f"/ar/petitions/embed/{number}/",
        f"/subscribers/embed/{number}/",
        f"/es/subscribers/embed/{number}/",
        f"/documents/authenticate_with_password/{number}/",
        f"/_util/authenticate_with_password/{number}/{number}/",
    ]


@pytest.mark.parametrize("number", [TOO_LONG, LONGEST, "0"])
def test_an_id_no_row_has_is_not_found_in_the_reader_s_language(site, number):
    client = HttpsClient(raise_request_exception=False)
    for path in paths(number):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
    spanish = client.get(f"/es/_events/{number}/places/")
    assert 'lang="es"' in spanish.content.decode()


def test_a_post_with_such_an_id_is_not_found_either(site):
    client = HttpsClient(raise_request_exception=False)
    for path in (f"/petitions/{TOO_LONG}/sign/", f"/es/_events/{TOO_LONG}/rsvp/"):
        response = client.post(path, {"email": "ana@example.org", "name": "Ana"})
        assert response.status_code in (403, 404), (path, response.status_code)


def test_the_real_ids_still_route(site):
    petition, event = site
    client = HttpsClient(raise_request_exception=False)
    assert client.get(f"/_events/{event.pk}/places/").status_code == 200
    assert client.get(f"/petitions/embed/{petition.pk}/").status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "multipart/form-data; boundary=",
    ],
)
def test_an_undecodable_body_is_a_400_with_the_debug_page_too(
    site, settings, content_type
):
    """``make run`` has DEBUG on: Django's debug page read the body again and failed."""
    petition, event = site
    settings.DEBUG = True
    client = HttpsClient(raise_request_exception=False)
    body = "name=Ana&email=ana@example.org".encode("utf-16")
    for path in (
        "/i18n/setlang/",
        f"/es/_events/{event.pk}/rsvp/",
        f"/petitions/{petition.pk}/sign/",
    ):
        response = client.generic("POST", path, body, content_type=content_type)
        assert response.status_code == 400, (path, response.status_code)
