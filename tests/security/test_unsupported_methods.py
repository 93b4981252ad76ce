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
    # Search and the sitemap take GET and HEAD alone (the 405 said POST and OPTIONS too).
    allow = (
        "GET, HEAD"
        if path in ("/search/", "/sitemap.xml")
        else "GET, HEAD, OPTIONS, POST"
    )
    assert response["Allow"] == allow
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


REFUSED = ["TRACE", "PUT", "PATCH", "DELETE", "PROPFIND", "CONNECT", "MKCOL", "FOO"]


@pytest.fixture
def public_addresses(signup_page, home_page):
    """Every kind of public address: pages, forms, the links in e-mails (with real
    tokens), feeds, the calendar file, a document, the site's own files, the staff
    sign-in and password reset pages; with the Allow each one's 405 must name."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    from campaigns.models import Signature
    from campaigns.services.petitions import verification_token
    from subscribers import tokens
    from tests.factories import (
        CampaignFactory,
        build_bulletin_index,
        build_event,
        build_petition_page,
        make_subscriber,
    )

    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    build_bulletin_index(home_page)
    campaign = CampaignFactory(slug="methods")
    petition = build_petition_page(home_page, campaign)
    signature = Signature.objects.create(
        campaign=campaign,
        name="Ana",
        email="ana@example.org",
        email_hash="0" * 64,
        zip_code="60623",
        created_at=timezone.now(),
    )
    subscriber = make_subscriber("maria@example.org")
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    document = get_document_model()(title="Flyer")
    document.file.save("flyer.pdf", ContentFile(b"%PDF-1.4 flyer"), save=False)
    document.save()
    page = "GET, HEAD, OPTIONS, POST"
    form = "GET, HEAD, POST"
    safe = "GET, HEAD"
    return {
        "/": page,
        "/es/": page,
        "/join/": page,
        event.url: page,
        f"{event.url}ical/": page,
        f"/_events/{event.pk}/rsvp/": form,
        # The places-left fragment the cached event page's script fetches.
        f"/_events/{event.pk}/places/": safe,
        "/bulletins/feed/": page,
        f"/petitions/{petition.pk}/sign/": form,
        f"/petitions/embed/{petition.pk}/": form,
        f"/petitions/verify/{verification_token(signature_id=signature.pk)}/": form,
        "/es/petitions/verify/1.2.x/": form,
        "/subscribers/confirm/"
        + tokens.make_confirm_token(
            subscriber_id=subscriber.pk, list_ids=[], page_id=None
        )
        + "/": form,
        f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(subscriber.pk)}/": form,
        f"/subscribers/preferences/{tokens.make_preferences_token(subscriber.pk)}/": form,
        "/subscribers/new-link/": form,
        "/subscribers/erased/": safe,
        "/search/?q=rights": safe,
        "/robots.txt": safe,
        "/sitemap.xml": safe,
        "/favicon.ico": safe,
        document.url: safe,
        "/i18n/setlang/": form,
        "/health/": safe,
        "/health/live/": safe,
        "/admin/login/": page,
        "/admin/password_reset/": page,
        "/no-such-page/": page,
    }


def test_every_public_address_refuses_other_methods_with_a_405_and_its_allow(
    production, public_addresses
):
    """TRACE passes Django's CSRF check (a "safe" method) and reached every view that
    does not name its methods: the sitemap (200), a document (200, the file itself),
    /favicon.ico and /i18n/setlang/ (redirects), /health/ (404). The other methods were
    refused by the CSRF check, with an Allow naming POST and OPTIONS where neither is
    taken (search, a verification link); and on the staff sign-in and password reset
    pages, whose Django form views take PUT, as an expired form (403). Now each is a
    405 naming the methods its address takes, never a 500, and nothing is answered."""
    from tests.security.production import https_client

    client = https_client(enforce_csrf_checks=True)
    wrong = {}
    for path, allow in public_addresses.items():
        for method in REFUSED:
            response = client.generic(method, path)
            if response.status_code != 405 or response.get("Allow") != allow:
                wrong[f"{method} {path}"] = (
                    response.status_code,
                    response.get("Allow"),
                )
            elif (
                said(
                    "es" if path.startswith("/es/") else "en",
                    "This request is not accepted here",
                )
                not in response.content.decode()
            ):
                wrong[f"{method} {path}"] = "not the error page"
    assert wrong == {}
    # The methods each address does take still work.
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.head("/search/?q=rights").status_code == 200
    places = next(path for path in public_addresses if path.endswith("/places/"))
    assert client.head(places).status_code == 200  # require_GET refused a HEAD
    assert client.get("/admin/password_reset/").status_code == 200
    assert client.options("/").status_code == 200


def allow_set(response) -> set[str]:
    return {method.strip() for method in response["Allow"].split(",")}


def test_the_tracking_webhook_names_the_same_methods_however_it_is_asked(settings):
    """GET said "Allow: POST, HEAD, OPTIONS" (anymail's view) and PUT said "GET, HEAD,
    OPTIONS, POST" (this site's refusal), a GET it had just refused among them."""
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": "hook-user:hook-pass",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key",
        "MAILGUN_API_KEY": "unused",
    }
    client = Client()
    path = "/anymail/mailgun/tracking/"
    answers = {
        method: client.generic(method, path) for method in ["GET", "PUT", "DELETE"]
    }
    answers["OPTIONS"] = client.options(path)
    assert {method: a.status_code for method, a in answers.items()} == {
        "GET": 405,
        "PUT": 405,
        "DELETE": 405,
        "OPTIONS": 200,
    }
    for method, answer in answers.items():
        assert allow_set(answer) == {"HEAD", "OPTIONS", "POST"}, method
    assert client.head(path).status_code == 200  # providers check the address so


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/password_reset/"])
def test_options_to_the_sign_in_pages_does_not_offer_the_put_refused(path):
    """Django's form views list PUT (they take it as a POST), but this site refuses a
    PUT to them with a 405."""
    options = Client().options(path)
    put = Client().put(path)
    assert options.status_code == 200
    assert put.status_code == 405
    assert allow_set(options) == allow_set(put) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.mark.parametrize("path", ["/health/", "/health/live/"])
def test_options_to_health_is_refused_as_a_put_is(path):
    """OPTIONS /health/ was a 404 page while PUT said "Allow: GET, HEAD"."""
    options = Client().options(path)
    assert options.status_code == 405
    assert allow_set(options) == allow_set(Client().put(path)) == {"GET", "HEAD"}
