"""Methods no public address takes are refused before any view runs.

Django's CSRF check stops PUT, DELETE, PATCH and the like (cms.errors.csrf_failure),
but it lets TRACE through as a "safe" method, and every view that does not name its
methods answered it as a GET: the sitemap and a document with a 200 (the file
itself), /favicon.ico and /i18n/setlang/ with a redirect, /health/ with a 404. The
staff sign-in and password reset pages are Django form views, which take PUT as a
POST. And the CSRF check's refusal named the same methods everywhere, POST and
OPTIONS where neither is taken (search, a verification link).

Here any method but GET, HEAD, OPTIONS and POST is a 405 (the error page in the
language of the address) whose Allow names what that address takes: the methods its
view is limited to (``require_http_methods``), Wagtail's pages' four, GET and HEAD
for /health/. The API (JSON answers of its own) and the staff admin behind the
sign-in are left to themselves.

An OPTIONS, and a 405 a view answers itself (a GET to the tracking webhook), name the
same methods as that refusal: Django's form views listed PUT (which they take as a
POST, but this middleware refuses), anymail's webhook view "POST, HEAD, OPTIONS" while
a PUT beside it heard "GET, HEAD, OPTIONS, POST". A function view that takes other
methods than a page's and checks them itself says so in ``http_methods``.
"""

import inspect

from django.urls import Resolver404, resolve
from django.utils import translation

from cms.errors import refused_method_page
from cms.health import LIVE_PATHS, READY_PATHS

TAKEN = frozenset({"GET", "HEAD", "OPTIONS", "POST"})
# What a page (Page.allowed_http_methods) and any address not limited otherwise take.
PAGE_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
# Allow's order: what a page takes first, any other (PUT...) after.
_ORDER = {method: index for index, method in enumerate(PAGE_METHODS)}
# The admin's addresses anyone may open.
PUBLIC_ADMIN_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
    }
)


def allowed_methods(path: str) -> tuple[str, ...] | None:
    """The methods the address takes, or None when it is the API's or the signed-in
    admin's (they answer for themselves)."""
    from cms.admin_language import admin_prefix
    from cms.partners.api.json_errors import API_PREFIX

    if path in LIVE_PATHS or path in READY_PATHS:
        return ("GET", "HEAD")
    if path.startswith(API_PREFIX):
        return None
    try:
        # Before LocaleMiddleware: a language's prefix resolves under that language.
        with translation.override(translation.get_language_from_path(path)):
            match = resolve(path)
    except Resolver404:
        match = None
    if path.startswith(admin_prefix()) and (
        match is None or match.url_name not in PUBLIC_ADMIN_VIEWS
    ):
        return None
    if match is None:
        return PAGE_METHODS
    limited = _limited_to(match.func)
    if limited is not None:
        return limited
    declared = getattr(match.func, "http_methods", None)
    if declared is not None:
        return tuple(sorted(declared, key=lambda m: _ORDER.get(m, len(_ORDER))))
    view_class = getattr(match.func, "view_class", None)
    if view_class is not None:
        return tuple(
            method
            for method in PAGE_METHODS
            if method == "HEAD"
            and hasattr(view_class, "get")
            or hasattr(view_class, method.lower())
        )
    return PAGE_METHODS


def _limited_to(view) -> tuple[str, ...] | None:
    """The list ``require_http_methods`` (or require_safe, require_POST...) gave the
    view or a view it wraps, in the order of PAGE_METHODS; None when there is none."""
    seen = 0
    while view is not None and seen < 20:
        seen += 1
        try:
            names = inspect.getclosurevars(view).nonlocals
        except TypeError:  # not a plain function (a callable object)
            names = {}
        methods = names.get("request_method_list")
        if isinstance(methods, list | tuple) and all(
            isinstance(method, str) for method in methods
        ):
            return tuple(sorted(methods, key=lambda m: _ORDER.get(m, len(_ORDER))))
        view = getattr(view, "__wrapped__", None)
    return None


class RefuseOtherMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in TAKEN:
            allowed = allowed_methods(request.path_info)
            if allowed is not None:
                return refused_method_page(request, allow=", ".join(allowed))
        elif request.method == "OPTIONS":
            allowed = allowed_methods(request.path_info)
            if allowed is not None and "OPTIONS" not in allowed:
                return refused_method_page(request, allow=", ".join(allowed))
        response = self.get_response(request)
        # Only where an Allow was given: a page behind a password answers OPTIONS
        # with its form, naming nothing (tests/security/test_private_options.py).
        if (
            request.method == "OPTIONS" or response.status_code == 405
        ) and response.has_header("Allow"):
            allowed = allowed_methods(request.path_info)
            if allowed is not None:
                response["Allow"] = ", ".join(allowed)
        return response
