"""The partner REST API, /api/v1/, on django-ninja.

django-ninja because Wagtail 8 itself builds its v3 API on it (so it is already in the
dependency tree and kept in step with Wagtail), its request and response bodies are
pydantic models (pydantic is already here too) from which the OpenAPI 3.1 document is
generated, and it ships Swagger UI's files in the package, so the docs page is served
from our own static files under a strict Content-Security-Policy.
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cms.partners.idempotency import IDEMPOTENCY_KEY_FIELD
from cms.partners.ratelimit import WINDOW

from .common import PartnerKeyAuth, RateLimited
from .json_errors import json_error
from .parser import DuplicateKeyError, StrictJsonParser
from .resources import router

DESCRIPTION = """
The coalition's partners push signups, signatures and RSVPs into the platform and
read counts. Every write goes through the same code as the public forms: the same
double opt-in e-mail in the person's language, the same suppression list, the same
limits and exact counts.

Authenticate with `Authorization: Bearer <key>` (staff create keys in the admin).
Send an `Idempotency-Key` header with every POST: a retry with the same key creates
nothing new and gets the first answer. Writes answer `202 accepted` whether or not
the person was already known. Errors are JSON `{"detail", "code", "errors"}` in the
language of `Accept-Language`.
"""

# Swagger UI's own files only: no CDN, no inline script (its settings travel as JSON
# in a data block), no eval.
DOCS_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def strict_csp(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response

    return wrapper


class PartnerAPI(NinjaAPI):
    """Builds the OpenAPI document once per process: it is public, and generating it
    costs far more than any request it describes."""

    _schemas: dict = {}

    # The office's own name (SITE_NAME), not Chicago's "ONA", in the document and on
    # its docs page: a partner of Houston's reads Houston's.
    @property
    def title(self) -> str:
        return f"{settings.WAGTAIL_SITE_NAME} partner API"

    @title.setter
    def title(self, value: str) -> None:
        pass  # NinjaAPI.__init__ sets it; the property above is the one title

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (self.title, path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return self._schemas[key]


api = PartnerAPI(
    version="1",
    description=DESCRIPTION,
    urls_namespace="partners_api",
    openapi_url="/schema/",
    docs_url="/docs/",
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_decorator=strict_csp,
    auth=PartnerKeyAuth(),
    parser=StrictJsonParser(),
)
api.add_router("", router)


def _error(request, status: int, detail: str, code: str, **extra):
    return api.create_response(
        request, {"detail": detail, "code": code, **extra}, status=status
    )


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = _error(
        request, 429, _("Too many requests. Please wait a minute."), "rate_limited"
    )
    response["Retry-After"] = str(WINDOW)
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    # Without an Authorization header the key's check (which activates the partner's
    # language) never ran.
    with translation.override(translation.get_language_from_request(request)):
        response = _error(
            request,
            401,
            _("Send a valid API key: Authorization: Bearer <key>."),
            "unauthorized",
        )
        response["Content-Language"] = translation.get_language()
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(
        request, 403, str(exc) or _("This API key may not do that."), "forbidden"
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    # Django's own answer is its 400 page (a 500 in DEBUG, through ninja).
    return json_error(request, 413)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."), "not_found")


def _message(error: dict) -> str:
    """pydantic's English message, in the partner's language for the usual cases."""
    kind = str(error.get("type", ""))
    if kind == "missing":
        return _("This field is required.")
    if kind.endswith("too_long"):
        return _("This value is too long.")
    if kind.endswith("too_short"):
        return _("This value is too short.")
    if kind == "string_pattern_mismatch":  # the only pattern: schemas.Text's
        return _("Null characters are not allowed.")
    if kind.endswith(("_type", "_parsing")):
        return _("This value has the wrong type.")
    return _("This value is not valid.")


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = ".".join(
            str(part) for part in error.get("loc", ()) if part not in ("body", "query")
        )
        errors.setdefault(location or "request", []).append(_message(error))
    # The same code as run_once's for a key it refuses, so clients test one code.
    only_the_key = set(errors) == {IDEMPOTENCY_KEY_FIELD}
    return _error(
        request,
        400,
        _("Please correct the errors in the request."),
        "idempotency_key_missing" if only_the_key else "invalid",
        errors=errors,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400 and isinstance(exc.__cause__, DuplicateKeyError):
        # django-ninja wraps whatever the parser raised in a 400 with the cause kept.
        detail = _("The request body names the key “%(key)s” more than once.") % {
            "key": exc.__cause__.key[:100]
        }
        return _error(
            request, 400, detail, "duplicate_key", errors={"request": [detail]}
        )
    if exc.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."), "invalid")
    return _error(request, exc.status_code, str(exc), "error")
