"""Public views that are not Wagtail pages: site search, the favicon redirect, Django's
language form."""

import re

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import Locale

from cms import ratelimit
from cms.languages import same_page_in
from cms.search import MAX_QUERY_LENGTH, describe, search_pages

PER_PAGE = 10
# Control characters (NUL included) are not words anyone searches for; shown back in
# the page's title and field they make invalid HTML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Direction embeddings, overrides and isolates are not words either: an unclosed
# right-to-left override in a shared search link turned the rest of the tab's title
# around ("Search: evil · snaciremA weN fo eciffO"). Dropped, not spaced: a word
# wrapped in them is still the word.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# GET and HEAD only: a TRACE passes Django's CSRF check (a "safe" method) and was
# answered with the results, as the pages' and forms' addresses never are; their empty
# 405 becomes the error page in the language of the address (cms/errors.py).
@require_safe
def search(request):
    """Bulletins and events matching ?q=, in the language of the URL (/es/search/).

    Crawlers may follow its links but not index it: a results page for any words
    anyone links to is no page of ours, and would crowd out the pages it lists."""
    response = _search(request)
    response["X-Robots-Tag"] = "noindex, follow"
    return response


def _search(request):
    query = CONTROL_CHARACTERS.sub(" ", request.GET.get("q", ""))
    query = DIRECTION_CONTROLS.sub("", query)
    context = {"query": query, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = _(
            "Please search with fewer words (at most %(max)s characters)."
        ) % {"max": MAX_QUERY_LENGTH}
        return TemplateResponse(request, "cms/search_results.html", context, status=400)
    query = query.strip()
    if query and not ratelimit.client_allowed(request, "search"):
        context["error"] = _(
            "Too many searches from this connection. Please wait a few minutes "
            "and try again."
        )
        response = TemplateResponse(
            request, "cms/search_results.html", context, status=429
        )
        return ratelimit.retry_after(response, "search.client")
    if query:
        results = [
            describe(page) for page in search_pages(query, locale=Locale.get_active())
        ]
        context["results"] = Paginator(results, PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["result_count"] = len(results)
    return TemplateResponse(request, "cms/search_results.html", context)


@require_safe
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_http_methods(["GET", "HEAD", "POST"])
def set_language(request):
    """Django's set_language (the cookie, ``next`` kept to this site), landing on the
    same page in the language chosen.

    Django's translate_url reads ``/es/join/`` through Wagtail's catch-all as the page
    "es/join/" and answered ``/ar/es/join/``. Under the chosen language it leaves every
    path as it is (only paths under that language's own prefix resolve, to themselves),
    so the page in that language is found here instead.
    """
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER)
    if request.method != "POST" or not translation.check_for_language(language or ""):
        return i18n.set_language(request)
    with translation.override(language):
        response = i18n.set_language(request)
    if response.status_code == 302:
        location = same_page_in(request, response["Location"], language)
        if url_has_allowed_host_and_scheme(
            location, {request.get_host()}, require_https=request.is_secure()
        ):
            response["Location"] = location
    return response


ROBOTS = "User-agent: *\nDisallow: /admin/\n"


@require_safe
def robots(request):
    """Crawlers keep out of the admin and find the sitemap. Pages behind someone's own
    link are not listed here (a listing would point at them); they answer
    ``X-Robots-Tag: noindex``."""
    from wagtail.models import Site

    text = ROBOTS
    site = Site.find_for_request(request)
    if site is not None:
        # Absolute, as the protocol wants: the Site's (BASE_URL's) scheme and host.
        text += f"\nSitemap: {site.root_url}{reverse('sitemap')}\n"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_safe
def sitemap(request):
    """Every public page in every language it is published in (cms/sitemaps.py).

    It reads every page's translations, so it goes through the page cache like the
    pages (a crawler's every visit was a walk of the whole tree); a publish purges it
    (cms/page_urls.affected_paths)."""
    from django.contrib.sitemaps.views import sitemap as sitemap_view

    from cms.page_cache import mark_cacheable
    from cms.sitemaps import PageSitemap

    mark_cacheable(request)
    return sitemap_view(request, {"pages": PageSitemap(request)})
