"""Error pages that never fail themselves.

Django's default error views are wrapped in ``requires_csrf_token``, which reads
``request.POST``; a POST whose body cannot be decoded (``charset=utf-16``, say) raises
again inside the 400 page and ends as a 500. These views read nothing from the body,
answer in the visitor's language, and fall back to plain text if a template breaks.
With DEBUG on (``make run``), Django's debug page for the 400 reads the body too:
``BodySafeExceptionReporter`` shows it as empty instead of failing with a 500.
"""

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponse, HttpResponseRedirect, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.debug import ExceptionReporter

from cms.admin_language import admin_prefix

logger = logging.getLogger(__name__)


def _reader_language(view=None, *, any_unprefixed: bool = False):
    """The error page of a subscriber's link (confirm, unsubscribe, preferences: the
    links in every e-mail carry no language prefix) in the language its own view
    would have chosen without the person: ``?language=``, else the browser's. Django
    gives a path without a prefix the default language, so an Arabic reader whose
    form expired on their preferences page was told so in English. A petition's
    form (``/petitions/<id>/sign/``) likewise: in the petition's language.

    ``any_unprefixed`` (the 404): every other path without a prefix too, in the
    language LocaleMiddleware would have read from the request (the language cookie,
    else Accept-Language). A missing page is no English page: an Arabic reader who
    followed a dead document link (``/documents/<id>/...``) or mistyped an address
    was told in English, left to right. Such an answer varies by Cookie as well;
    only 200s are ever stored in the page cache, so no page becomes uncacheable."""

    def decorate(view):
        @wraps(view)
        def in_reader_language(request, *args, **kwargs):
            language = _subscriber_link_language(request, any_unprefixed)
            if language is None:
                return view(request, *args, **kwargs)
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, *args, **kwargs)
            # LocaleMiddleware says the language it activated (the default one),
            # unless the answer says its own.
            response.headers["Content-Language"] = language
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            return response

        return in_reader_language

    return decorate(view) if view is not None else decorate


def _subscriber_link_language(request, any_unprefixed: bool = False) -> str | None:
    if translation.get_language_from_path(request.path_info):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    # The verification link is a language pattern (cms/urls.py), not campaigns.urls'.
    if match is not None and (
        match.namespace == "campaigns" or match.url_name == "verify_signature"
    ):
        return _petition_language(request, match.kwargs.get("page_id"))
    if match is not None and match.namespace == "subscribers":
        asked = request.GET.get("language", "")
        if asked in dict(settings.LANGUAGES):
            return asked
    elif not any_unprefixed:
        return None
    return translation.get_language_from_request(request)


def _petition_language(request, page_id) -> str:
    """A petition's form and widget post to URLs without a prefix (campaigns.urls),
    answered in the petition's language (``?lang=`` for another): an Arabic signer
    whose form had expired, or whose browser sent a body we cannot read, was told so
    in English, left to right. A petition that is gone, and a verification link,
    answer in the browser's language."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    if page_id is not None:
        from campaigns.selectors import live_petition

        page = live_petition(page_id=page_id)
        if page is not None:
            return page.locale.language_code
    return translation.get_language_from_request(request)


def _page(request, status: int, title: str, text: str) -> HttpResponse:
    try:
        body = render_to_string(
            "error.html", {"title": title, "text": text, "status": status}, request
        )
    except Exception:  # the error page must not fail in turn
        logger.exception("error page %s could not be rendered", status)
        body = f"{status} {title}"
        return HttpResponse(body, status=status, content_type="text/plain")
    return HttpResponse(body, status=status)


@_reader_language
def bad_request(request, exception=None):
    return _page(
        request,
        400,
        _("Bad request"),
        _("We could not read what your browser sent. Please go back and try again."),
    )


@_reader_language
def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("Not allowed"),
        _("You do not have permission to see this page."),
    )


def page_not_found(request, exception=None):
    """A missing page; but an address under the default language's prefix, which
    that language does not have (``/en/events/``, typed or shared by someone used to
    prefixed sites), is the same address without it."""
    unprefixed = _without_default_prefix(request)
    if unprefixed is not None:
        return HttpResponseRedirect(unprefixed)
    return _missing_page(request, exception)


def _without_default_prefix(request) -> str | None:
    prefix = f"/{settings.LANGUAGE_CODE}/"
    address = request.get_full_path()
    if request.method not in ("GET", "HEAD") or not address.startswith(prefix):
        return None
    rest = address[len(prefix) - 1 :]
    # "/en//evil.example/" must not become "//evil.example/", another site's address.
    if rest.startswith(("//", "/\\")) or "\\" in rest.split("?")[0]:
        return None
    return rest


@_reader_language(any_unprefixed=True)
def _missing_page(request, exception=None):
    return _page(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or it has moved."),
    )


def server_error(request):
    return _page(
        request,
        500,
        _("Something went wrong"),
        _("Sorry, something went wrong on our side. Please try again in a moment."),
    )


@_reader_language
def csrf_failure(request, reason=""):
    if request.method != "POST" and not request.path_info.startswith(admin_prefix()):
        # PUT, DELETE, PATCH, PROPFIND...: no public address takes them, so the answer
        # is that, not "This form has expired" (there was no form). Answered here, where
        # Django's CSRF check stops every such method, so the pages pay for no check.
        return _method_refused(request, allow="GET, HEAD, OPTIONS, POST")
    return _page(
        request,
        403,
        _("This form has expired"),
        _(
            "Please go back, reload the page and send the form again. If it happens "
            "again, allow cookies for this site."
        ),
    )


def cross_site_post(request):
    """An embedded form posted by a page of another site (cms.embed)."""
    return _page(
        request,
        403,
        _("This form cannot be sent from another site"),
        _(
            "Nothing was sent. Please open the form on our site, or on the page that "
            "shows it, and send it from there."
        ),
    )


class BodySafeExceptionReporter(ExceptionReporter):
    """The debug page and error e-mails, for a request whose body Django cannot decode
    (``charset=utf-16``, a broken multipart boundary): shown with no POST data and no
    files, instead of the same error raised again inside the report (a 500 for what
    was a 400)."""

    def get_traceback_data(self):
        if self.request is not None:
            try:
                self.request.POST  # noqa: B018 - parsed here, or known unreadable
            except (
                BadRequest,
                SuspiciousOperation,
                MultiPartParserError,
                UnreadablePostError,
            ):
                # What Django itself does when it cannot parse a body: read as empty.
                self.request._mark_post_parse_error()
        return super().get_traceback_data()


def _method_refused(request, *, allow: str) -> HttpResponse:
    response = _page(
        request,
        405,
        _("This request is not accepted here"),
        _(
            "Nothing was changed. Open the page in your browser, or send its form "
            "from there."
        ),
    )
    response["Allow"] = allow
    return response


def refused_method_page(request, *, allow: str) -> HttpResponse:
    """The 405 error page in the language of the address, with this Allow."""
    language = translation.get_language_from_path(request.path_info)
    with translation.override(language or settings.LANGUAGE_CODE):
        return _method_refused(request, allow=allow)


def with_method_refused_page(request, response: HttpResponse) -> HttpResponse:
    """A 405 that says nothing (Django's ``require_http_methods``, a class view's,
    Wagtail's: a TRACE, which passes the CSRF check) as the error page, in the
    language of the address, its Allow kept."""
    if response.status_code != 405 or response.content:
        return response
    return refused_method_page(request, allow=response.get("Allow", ""))
