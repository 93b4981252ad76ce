"""A whole-page cache for anonymous visitors of public pages, cleared on every publish.

An alert to 100,000 people sends thousands of clicks to one page within minutes. Pages
opt in with ``mark_cacheable(request)``; each cached copy is stamped with a generation
number that every publish, unpublish, move, delete or RSVP bumps, so a change shows at
once in every process. It needs a cache shared by all processes (Redis): with the
per-process default cache ``PAGE_CACHE_SECONDS`` stays 0 and pages are always rendered.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "page-cache:generation"


def mark_cacheable(request) -> None:
    if request is not None:
        request.page_cacheable = True


def bump_generation() -> None:
    """Invalidate every cached page at once."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 1, timeout=None)


def _key(request) -> str:
    raw = f"{request.get_host()}{request.get_full_path()}".encode()
    return "page-cache:" + hashlib.sha256(raw).hexdigest()[:32]


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if (
            not seconds
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY, 0)
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            response = HttpResponse(cached[1])
            # Headers set below this middleware (X-Frame-Options, Content-Language...)
            # were stored with the body and are replayed.
            for header, value in cached[2]:
                response[header] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(request, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            headers = [
                (header, value)
                for header, value in response.items()
                if header.lower() not in {"set-cookie", "x-page-cache"}
            ]
            cache.set(key, (generation, response.content, headers), seconds)
            response["X-Page-Cache"] = "miss"
        return response
