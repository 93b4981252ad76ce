"""The crowd's form POSTs take a shorter middleware chain (cms/lean_posts.py): through
the site's real WSGI application, with the checks those POSTs must keep."""

import re
from http.cookies import SimpleCookie
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.models import Signature
from cms.lean_posts import (
    LOCALE,
    NEEDED,
    UNPREFIXED_LANGUAGE,
    UnprefixedLanguageMiddleware,
    lean_middleware,
    lean_paths,
)
from events.models import Rsvp
from tests.factories import CampaignFactory, build_event, build_petition_page

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Answer:
    def __init__(self, status: str, headers: list, body: bytes):
        self.status_code = int(status.split()[0])
        self.headers = {}
        self.cookies = SimpleCookie()
        for name, value in headers:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
            self.headers[name.lower()] = value
        self.text = body.decode()


def call(method: str, path: str, *, data=None, cookies=None) -> Answer:
    """One request through cms.wsgi.application, as gunicorn would make it."""
    from cms.wsgi import application

    body = urlencode(data or {}).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": BytesIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=headers)

    chunks = application(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    translation.deactivate()  # the handler leaves the request's language active
    return Answer(seen["status"], seen["headers"], body)


def form_token(path: str) -> tuple[str, dict]:
    """The form's CSRF token and cookie, from a GET through the full chain."""
    page = call("GET", path)
    assert page.status_code == 200
    return TOKEN.search(page.text).group(1), {
        "csrftoken": page.cookies["csrftoken"].value
    }


def test_the_lean_chain_keeps_exactly_what_a_public_form_post_needs():
    chain = lean_middleware()
    assert chain == [path for path in settings.MIDDLEWARE if path in NEEDED]
    assert set(chain) == set(NEEDED)  # all of them are in the site's chain
    for dropped in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "cms.page_cache.PageCacheMiddleware",
    ):
        assert dropped not in chain


def test_the_sign_chain_has_the_default_language_step_in_place_of_locale():
    chain = lean_middleware()
    sign_chain = lean_middleware(unprefixed=True)
    assert sign_chain == [
        UNPREFIXED_LANGUAGE if path == LOCALE else path for path in chain
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "ar"},
        {"HTTP_COOKIE": "django_language=pl"},
        {"HTTP_ACCEPT_LANGUAGE": "zh-hans", "HTTP_COOKIE": "django_language=hi"},
    ],
)
@pytest.mark.parametrize("view_language", [None, "pl", "ar"])
@pytest.mark.parametrize("status", [200, 302, 403, 404])
def test_the_default_language_step_settles_what_locale_middleware_would(
    rf, headers, view_language, status
):
    """For the sign URL (no prefix), the same active language, request.LANGUAGE_CODE,
    Content-Language and Vary as LocaleMiddleware, whatever the browser asks for and
    whichever language the view turns to."""
    from django.http import HttpResponse
    from django.middleware.locale import LocaleMiddleware

    def outcome(middleware_class):
        seen = {}

        def view(request):
            seen.update(active=translation.get_language(), code=request.LANGUAGE_CODE)
            if view_language:
                translation.activate(view_language)
            return HttpResponse(status=status)

        request = rf.post(reverse("campaigns:sign", args=[12]), **headers)
        response = middleware_class(view)(request)
        translation.deactivate()
        return seen, response.get("Content-Language"), response.get("Vary")

    assert outcome(UnprefixedLanguageMiddleware) == outcome(LocaleMiddleware)


def test_no_lean_chain_without_the_csrf_check(settings):
    settings.MIDDLEWARE = [
        path for path in settings.MIDDLEWARE if "csrf" not in path.lower()
    ]
    with pytest.raises(RuntimeError, match="CsrfViewMiddleware"):
        lean_middleware()


def test_the_lean_paths_are_the_sign_and_rsvp_urls_in_every_language():
    is_lean = lean_paths().fullmatch
    assert is_lean(reverse("campaigns:sign", args=[12]))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert is_lean(reverse("events:rsvp", args=[34])), code
            assert not is_lean(reverse("events:places", args=[34])), code
    for other in (
        "/petitions/12/sign/x/",
        "/petitions/embed/12/",
        "/xx/_events/34/rsvp/",
        "/_events/34/rsvp",
        "/subscribers/join/",
        "/admin/login/",
    ):
        assert not is_lean(other), other


def post_form(path: str, fields: dict, cookies: dict, token: str = "") -> Answer:
    """The form POSTed with the CSRF cookie, and with its token when given."""
    data = {**fields, "csrfmiddlewaretoken": token} if token else fields
    return call("POST", path, data=data, cookies=cookies)


@pytest.fixture
def lean_requests(monkeypatch) -> list[str]:
    """The paths the lean handler answered."""
    from cms.wsgi import application

    seen = []
    for handler in (application.lean_application, application.sign_application):
        chain = handler._middleware_chain

        def spy(request, chain=chain):
            seen.append(request.path)
            return chain(request)

        monkeypatch.setattr(handler, "_middleware_chain", spy)
    return seen


def test_a_signature_through_the_lean_chain(home_page, rate_limit, lean_requests):
    petition = build_petition_page(home_page, CampaignFactory(goal=10))
    token, cookies = form_token(petition.url)
    sign = reverse("campaigns:sign", args=[petition.pk])
    assert lean_requests == []  # the page's GET took the full chain
    fields = {"name": "Ana Lima", "email": "ana@example.org", "website": ""}

    refused = post_form(sign, fields, cookies)
    assert refused.status_code == 403  # no token: the CSRF check is still there
    assert Signature.objects.count() == 0

    signed = post_form(sign, fields, cookies, token)
    assert signed.status_code == 303
    assert signed.headers["location"].endswith("?signed=1#signed")
    assert signed.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in signed.headers  # no session, no messages
    # Nothing of a bodiless redirect is rendered: no policy to build (cms/csp.py).
    assert "content-security-policy" not in signed.headers
    assert Signature.objects.count() == 1
    assert lean_requests == [sign, sign]

    rate_limit("petition.client", "1/10m")
    crowded = post_form(sign, {**fields, "email": "bo@example.org"}, cookies, token)
    # The page shown again, with its policy and framing header, in the page's words.
    assert crowded.status_code == 429
    assert "Too many signatures from this connection" in crowded.text
    assert "default-src 'none'" in crowded.headers["content-security-policy"]
    assert crowded.headers["x-frame-options"] == "DENY"
    assert Signature.objects.count() == 1


def test_an_rsvp_in_spanish_through_the_lean_chain(
    home_page, rate_limit, lean_requests
):
    event = build_event(rsvp_mode="internal")
    with translation.override("es"):
        rsvp = reverse("events:rsvp", args=[event.pk])
    assert rsvp.startswith("/es/")
    token, cookies = form_token(rsvp)
    fields = {"name": "Ana", "email": "ana@example.org", "website": ""}
    rate_limit("rsvp.client", "1/1h")  # one RSVP from this connection

    assert post_form(rsvp, fields, cookies).status_code == 403
    answer = post_form(rsvp, fields, cookies, token)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/es{event.url}rsvp/?sent=1"
    assert answer.headers["content-language"] == "es"
    stored = Rsvp.objects.get()
    assert stored.language == "es"
    assert lean_requests == [rsvp, rsvp]

    crowded = post_form(rsvp, {**fields, "email": "bo@example.org"}, cookies, token)
    assert crowded.status_code == 429
    assert 'lang="es"' in crowded.text
    assert crowded.headers["x-frame-options"] == "DENY"
    assert Rsvp.objects.count() == 1


def test_a_password_protected_event_takes_rsvps_only_once_unlocked(
    home_page, lean_requests
):
    """The lean chain has no session: a view restriction reads one (the password given
    on the page), so a restricted event's RSVP was a 500 for everyone. Now a stranger
    gets a 404 and stores nothing; a reader who gave the password RSVPs."""
    from wagtail.models import PageViewRestriction

    event = build_event(rsvp_mode="internal")
    restriction = PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    rsvp = reverse("events:rsvp", args=[event.pk])
    fields = {"name": "Ana", "email": "ana@example.org", "website": ""}
    # The event's page asks for the password, with a form carrying a CSRF token.
    token, cookies = form_token(event.url)
    assert post_form(rsvp, fields, cookies, token).status_code == 404
    assert not Rsvp.objects.exists()

    unlocked = call(
        "POST",
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, event.pk]
        ),
        data={
            "password": "rally",
            "return_url": event.url,
            "csrfmiddlewaretoken": token,
        },
        cookies=cookies,
    )
    assert unlocked.status_code == 302
    cookies["sessionid"] = unlocked.cookies["sessionid"].value
    answer = post_form(rsvp, fields, cookies, token)
    assert answer.status_code == 303
    assert Rsvp.objects.count() == 1
    assert lean_requests == [rsvp, rsvp]


def test_a_petition_for_signed_in_readers_refuses_a_stranger_with_a_404(home_page):
    from wagtail.models import PageViewRestriction

    petition = build_petition_page(home_page, CampaignFactory(goal=10))
    token, cookies = form_token(petition.url)
    PageViewRestriction.objects.create(
        page=petition, restriction_type=PageViewRestriction.LOGIN
    )
    sign = reverse("campaigns:sign", args=[petition.pk])
    fields = {"name": "Ana Lima", "email": "ana@example.org", "website": ""}
    assert post_form(sign, fields, cookies, token).status_code == 404
    assert Signature.objects.count() == 0
