"""The crowd's form POSTs through a shorter middleware chain.

After a rally alert or a petition launch most of the work is two requests, sent by
hundreds of phones at once: a signature (``POST /petitions/<id>/sign/``) and an RSVP
(``POST /<lang>/_events/<id>/rsvp/``). Both are anonymous: no session, login, message,
login-attempt counter or redirect is read or written, and the page cache and the health
check never answer a POST. Yet Django runs every request through the whole chain,
and for these two it was about a quarter of the Python time per request (py-spy).

Django cannot skip middleware per view, so the WSGI application (cms/wsgi.py) sends
exactly these POSTs to a second handler whose chain keeps, in the site's order, only
what they need: the security headers, the CSP, the reader's language, the CSRF check
and the framing header. Everything else, every GET included, takes the full chain.
"""

import re
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# What a public form POST needs from the site's chain. The CSRF check is the one that
# must never go missing: the lean handler refuses to start without it.
NEEDED = (
    "django.middleware.security.SecurityMiddleware",
    "cms.csp.SiteCSPMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


def lean_paths() -> re.Pattern:
    """The sign URL of any petition (campaigns/urls.py, no language prefix) and the
    plain RSVP URL of any event in any language (events/urls.py)."""
    prefixes = "|".join(
        re.escape(code) for code, _name in settings.LANGUAGES if code != "en"
    )
    return re.compile(
        rf"/petitions/[0-9]+/sign/|/(?:(?:{prefixes})/)?_events/[0-9]+/rsvp/"
    )


def lean_middleware() -> list[str]:
    chain = [path for path in settings.MIDDLEWARE if path in NEEDED]
    if CSRF not in chain:
        raise RuntimeError(f"{CSRF} is not in MIDDLEWARE: no lean chain without it")
    return chain


@contextmanager
def _middleware_setting(chain: list[str]):
    # BaseHandler.load_middleware reads settings.MIDDLEWARE and nothing else; this
    # runs once, while the WSGI module is imported, before any request.
    full = settings.MIDDLEWARE
    settings.MIDDLEWARE = chain
    try:
        yield
    finally:
        settings.MIDDLEWARE = full


class LeanPostHandler(WSGIHandler):
    """A WSGIHandler with the lean chain; the same URLs, views and signals."""

    def load_middleware(self, is_async=False):
        with _middleware_setting(lean_middleware()):
            super().load_middleware(is_async)


def with_lean_posts(full_application):
    """The site's WSGI application, with the crowd's POSTs on the lean chain."""
    lean_application = LeanPostHandler()
    is_lean = lean_paths().fullmatch

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and is_lean(
            environ.get("PATH_INFO", "")
        ):
            return lean_application(environ, start_response)
        return full_application(environ, start_response)

    application.lean_application = lean_application
    return application
