"""Every answer under /api/ is JSON, errors too: also those that Django or
django-ninja give before any endpoint runs (an unknown path, a method the path does
not take, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a crash). Partners' clients parse
``{"detail", "code"}``; an HTML error page would break them."""

import re
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from cms.errors import with_method_refused_page

API_PREFIX = "/api/"
# What a client needs to act on the error: the methods to use instead (405), when to
# try again (429, 503), how to authenticate (401).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


# status -> (detail, code): ``code`` is what a partner's client branches on, so a
# refused key, a missing page and a rate limit must not all read "bad_request". The
# 401, 403 and 429 words are those the endpoints' own answers use.
_KNOWN = {
    400: (gettext_lazy("The request could not be read."), "bad_request"),
    401: (
        gettext_lazy("Send a valid API key: Authorization: Bearer <key>."),
        "unauthorized",
    ),
    403: (gettext_lazy("This request is not allowed."), "forbidden"),
    404: (gettext_lazy("Not found."), "not_found"),
    405: (
        gettext_lazy("This address does not take that method."),
        "method_not_allowed",
    ),
    406: (gettext_lazy("This address answers in JSON only."), "not_acceptable"),
    410: (gettext_lazy("This is no longer available."), "gone"),
    413: (gettext_lazy("The request body is too large."), "too_large"),
    415: (gettext_lazy("Send the request body as JSON."), "unsupported_media_type"),
    429: (gettext_lazy("Too many requests. Please wait a minute."), "rate_limited"),
}


def _detail_and_code(status: int) -> tuple[str, str]:
    if status in _KNOWN:
        detail, code = _KNOWN[status]
        return str(detail), code
    if status >= 500:
        return (
            _("Sorry, something went wrong on our side. Please try again in a moment."),
            "server_error",
        )
    try:
        # Any other 4xx: its standard name (409 "conflict", 422 "unprocessable_entity").
        name = HTTPStatus(status).phrase
    except ValueError:
        return str(_KNOWN[400][0]), "bad_request"
    return _("The request was refused."), re.sub(r"[^a-z]+", "_", name.lower())


def json_error(request, status: int, **headers) -> JsonResponse:
    """The documented error shape, in the language of Accept-Language."""
    with translation.override(translation.get_language_from_request(request)):
        detail, code = _detail_and_code(status)
        response = JsonResponse({"detail": detail, "code": code}, status=status)
        response["Content-Language"] = translation.get_language()
    for name, value in headers.items():
        response[name] = value
    return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonErrorsMiddleware:
    """Turns the non-JSON error answers under /api/ into JSON errors (keeping their
    status and KEPT_HEADERS); the debug page of a crash stays HTML in DEBUG. Elsewhere
    an empty 405 becomes the site's error page (cms.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            # Not the API's, but the outermost place that sees every answer: an empty
            # 405 elsewhere becomes a page a person can read.
            return with_method_refused_page(request, response)
        if (
            response.status_code < 400
            or _is_json(response)
            or (settings.DEBUG and response.status_code >= 500)
        ):
            return response
        kept = {
            name: response[name] for name in KEPT_HEADERS if response.has_header(name)
        }
        return json_error(request, response.status_code, **kept)


# Exempt like ninja's own endpoints: partners' clients send keys, never a CSRF cookie,
# and this view changes nothing. Without it CsrfViewMiddleware refused every POST here
# (403, "could not be read") before the 308 or the 404 could answer.
@csrf_exempt
def unknown_path(request, rest: str = ""):
    """Any /api/ path no endpoint has. A path that lacks only its final slash gets a
    308 to it (method and body kept), not APPEND_SLASH's 301, which clients follow
    with a GET (and which DEBUG refuses for a POST with a 500)."""
    with_slash = request.path + "/"
    if not request.path.endswith("/") and _is_endpoint(with_slash):
        query = request.META.get("QUERY_STRING", "")
        location = with_slash + (f"?{query}" if query else "")
        with translation.override(translation.get_language_from_request(request)):
            response = JsonResponse(
                {
                    "detail": _("The address ends with a slash: %(path)s")
                    % {"path": with_slash},
                    "code": "trailing_slash",
                },
                status=308,
            )
        response["Location"] = location
        return response
    return json_error(request, 404)


def _is_endpoint(path: str) -> bool:
    try:
        return resolve(path).func is not unknown_path
    except Resolver404:
        return False
