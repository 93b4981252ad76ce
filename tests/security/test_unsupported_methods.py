"""PUT, DELETE, PATCH and the like on a public address: no page or form takes them.

They were answered 403 "This form has expired" (Django's CSRF check stops every unsafe
method first), which told an attacker's script, or a confused client, about a form that
was never there. They now get 405 with the methods the site does take, in the reader's
language, and nothing is written; a POST without its token still hears the form expired.
"""

import pytest
from django.test import Client
from wagtail.models import Page

from subscribers.models import SignupPage, Subscriber
from tests.languages import said

pytestmark = pytest.mark.django_db

METHODS = ["put", "delete", "patch", "PROPFIND"]


@pytest.fixture
def signup_page(home_page):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/", "/join/", "/sitemap.xml", "/search/"])
def test_a_method_no_public_address_takes_is_405_not_an_expired_form(
    signup_page, method, path
):
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method.upper(), path, "email=ana@example.org")
    assert response.status_code == 405, (method, path)
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"
    html = response.content.decode()
    assert "This request is not accepted here" in html
    assert "This form has expired" not in html
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_the_refusal_is_in_the_readers_language(signup_page, language):
    english = "This request is not accepted here"
    assert said(language, english) != english, f"{language} has a translation"
    response = Client(enforce_csrf_checks=True).put(f"/{language}/join/")
    assert response.status_code == 405
    assert said(language, english) in response.content.decode()


def test_a_post_without_its_token_still_hears_the_form_expired(signup_page):
    response = Client(enforce_csrf_checks=True).post(
        "/join/", {"email": "ana@example.org"}
    )
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_options_lists_only_the_methods_a_page_takes(signup_page):
    """OPTIONS listed "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" (Wagtail's default)
    on every page, three of them refused."""
    from wagtail.models import get_page_models

    for model in get_page_models():
        if model is Page:
            continue
        assert model.allowed_http_methods == [
            "GET",
            "HEAD",
            "OPTIONS",
            "POST",
        ], model
    for path in ("/", "/join/"):
        response = Client().options(path)
        assert response.status_code == 200
        assert response["Allow"] == "GET, HEAD, OPTIONS, POST", path


@pytest.mark.parametrize("path", ["/", "/es/join/", "/petitions/1/sign/"])
def test_an_empty_405_becomes_a_page_in_the_language_of_the_address(signup_page, path):
    """TRACE passes the CSRF check; Wagtail and Django then answered an empty 405."""
    response = Client().generic("TRACE", path)
    assert response.status_code == 405, path
    assert response["Allow"], path
    language = "es" if path.startswith("/es/") else "en"
    assert said(language, "This request is not accepted here") in (
        response.content.decode()
    ), path


def test_the_api_keeps_its_json_405():
    response = Client().generic("TRACE", "/api/v1/")
    assert response.status_code in (404, 405)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/search/?q=rights", "/es/search/", "/robots.txt"])
def test_trace_to_search_and_robots_is_refused_too(signup_page, path):
    """A TRACE passes the CSRF check; search answered it with its results and
    robots.txt with its text, as no page or form does."""
    response = Client().generic("TRACE", path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    language = "es" if path.startswith("/es/") else "en"
    refusal = said(language, "This request is not accepted here")
    assert refusal in response.content.decode()
    assert Client().get(path).status_code == 200
