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

The sign URL has no language prefix, and for such a URL LocaleMiddleware always
settles on the default language (the site's default has no prefix); the sign chain
does exactly that without resolving the URLconf's patterns or reading Accept-Language
it would ignore (``UnprefixedLanguageMiddleware``, a tenth of a signature's Python time).
"""

import re
from contextlib import contextmanager

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.handlers.wsgi import WSGIHandler
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

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
LOCALE = "django.middleware.locale.LocaleMiddleware"
UNPREFIXED_LANGUAGE = "cms.lean_posts.UnprefixedLanguageMiddleware"
SIGN_PATH = r"/petitions/[0-9]+/sign/"


def lean_paths() -> re.Pattern:
    """The sign URL of any petition (campaigns/urls.py, no language prefix) and the
    plain RSVP URL of any event in any language (events/urls.py)."""
    prefixes = "|".join(
        re.escape(code) for code, _name in settings.LANGUAGES if code != "en"
    )
    return re.compile(rf"{SIGN_PATH}|/(?:(?:{prefixes})/)?_events/[0-9]+/rsvp/")


def lean_middleware(*, unprefixed: bool = False) -> list[str]:
    """The lean chain; ``unprefixed``: for URLs without a language prefix, with
    LocaleMiddleware's outcome for them in place of LocaleMiddleware, where the site's
    URLconf makes that outcome certain."""
    chain = [path for path in settings.MIDDLEWARE if path in NEEDED]
    if CSRF not in chain:
        raise RuntimeError(f"{CSRF} is not in MIDDLEWARE: no lean chain without it")
    if unprefixed and LOCALE in chain and _unprefixed_means_default_language():
        chain[chain.index(LOCALE)] = UNPREFIXED_LANGUAGE
    return chain


def _unprefixed_means_default_language() -> bool:
    # i18n_patterns(prefix_default_language=False): LocaleMiddleware activates
    # LANGUAGE_CODE for every URL without a prefix, whatever the request says.
    used, prefixed_default = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    return used and not prefixed_default


class UnprefixedLanguageMiddleware(MiddlewareMixin):
    """LocaleMiddleware for a URL without a language prefix on this site: the default
    language for the request; Vary: Accept-Language and the language the view left
    active as Content-Language on the answer (a view may activate another, as the
    sign view activates the petition's)."""

    def process_request(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


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

    unprefixed = False

    def load_middleware(self, is_async=False):
        with _middleware_setting(lean_middleware(unprefixed=self.unprefixed)):
            super().load_middleware(is_async)


class LeanSignHandler(LeanPostHandler):
    """The lean chain for the sign URL, which has no language prefix."""

    unprefixed = True


def with_lean_posts(full_application):
    """The site's WSGI application, with the crowd's POSTs on the lean chain."""
    lean_application = LeanPostHandler()
    sign_application = LeanSignHandler()
    is_lean = lean_paths().fullmatch
    is_sign = re.compile(SIGN_PATH).fullmatch

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            path = environ.get("PATH_INFO", "")
            if is_sign(path):
                return sign_application(environ, start_response)
            if is_lean(path):
                return lean_application(environ, start_response)
        return full_application(environ, start_response)

    application.lean_application = lean_application
    application.sign_application = sign_application
    return application
