"""A whole-page cache for anonymous visitors of public pages, cleared page by page.

An alert to 100,000 people sends thousands of clicks to one page within minutes. Pages
opt in with ``mark_cacheable(request, query=...)``, giving each query parameter they
read with the value they understood it as (the page number shown, the kind filtered
by). A request with any other parameter, or a value the page did not take as given (a
page past the last, a month that is no month, ``?page=02``), is answered the same but
never stored, so a crawler's random query strings cannot fill the cache: only as many
copies as there are answers can be stored.

Invalidation is by path. Each path has a version token (``path:`` keys); an entry is
fresh while it carries its path's current token and is younger than
``PAGE_CACHE_SECONDS``. ``purge_paths()`` gives the paths new tokens: it is what the
in-app frontend-cache backend (``cms.frontend_cache``) calls with the URLs a change
affects (``cms.page_urls``), so a publish clears only the pages it changes.

No stampede: on a miss one request per URL renders (a short lock taken with
``cache.add``); the others serve the stale copy when there is one, or wait briefly for
the fresh one. The cache is its own alias, ``CACHES["pages"]``: shared Redis in
production; a per-process cache (or none, ``PAGE_CACHE_SECONDS=0``) without Redis.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from contextlib import nullcontext
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from cms.compression import accepts_gzip, compresses

logger = logging.getLogger(__name__)

# Added by newsletters and social sites; no page reads them, so they never split the cache.
IGNORED_PARAMETERS = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
    }
)
# A longer value is no filter or page number any page understands: not stored.
MAX_VALUE_LENGTH = 32
# A render holds its URL's lock at most this long (a crashed worker frees it).
LOCK_SECONDS = 10
# As GZipMiddleware's (Django's "Heal the BREACH" length padding).
GZIP_RANDOM_BYTES = 100
# At most how long a request without a stale copy waits for another's render, polling
# (a sync worker waits idle meanwhile).
WAIT_SECONDS = 1.0
POLL_SECONDS = 0.02
# Stale copies outlive their freshness by this much, to be served while one re-renders.
STALE_SECONDS = 120
# How many times a refill tries again when another purge overtook it.
REFILL_ATTEMPTS = 3
# Makes a purge and a refill's compare-and-set atomic in a per-process cache.
_LOCAL_SWAP = threading.Lock()


def page_cache():
    return caches["pages"]


def fresh_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def mark_cacheable(request, query: Mapping[str, str] | None = None) -> None:
    """This response may be stored when each of the request's query parameters
    (besides the ignored tracking ones) is in ``query``, the parameters the page reads,
    with exactly the value the page understood it as (its canonical spelling, or None
    when the page will not have it stored): an answer the page gave to a value it did
    not understand is one more copy of another answer."""
    if request is not None:
        request.page_cacheable = True
        request.page_cache_query = dict(query or {})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# events.views.places_by_id's URL, /<language>/_events/<id>/places/ (events/urls.py).
PLACES_MARK, PLACES_END = "/_events/", "/places/"


def version_key(path: str) -> str:
    """The token that says whether a copy of ``path`` is fresh. An event's places
    fragment is one token for its six languages' paths: their copies show the same
    count and always change together, so an RSVP purges (and watches) one key, not
    six."""
    if path.endswith(PLACES_END) and PLACES_MARK in path:
        path = _without_language(path)
    return "path:" + _digest(path)


def _without_language(path: str) -> str:
    first, _slash, rest = path[1:].partition("/")
    return "/" + rest if first in _language_codes() else path


@lru_cache(maxsize=1)
def _language_codes() -> frozenset[str]:
    from cms.languages import LANGUAGE_CODES

    return frozenset(LANGUAGE_CODES)


def _normalised_query(request) -> list[tuple[str, str]] | None:
    """Sorted (name, value) pairs without the ignored parameters; None when a name is
    repeated or a value is too long to be anything a page reads."""
    pairs = []
    for name, values in request.GET.lists():
        if name in IGNORED_PARAMETERS:
            continue
        if len(values) != 1 or len(values[0]) > MAX_VALUE_LENGTH:
            return None
        pairs.append((name, values[0]))
    return sorted(pairs)


def _entry_key(request, query: list[tuple[str, str]] | None) -> str:
    return _entry_key_for(request.get_host(), request.path, query)


def _entry_key_for(host: str, path: str, query) -> str:
    # One copy per host name, whatever its case, port or trailing dot: Django accepts
    # every such spelling of an allowed host and Wagtail routes them to the same site,
    # so keying on the raw Host let anyone skip the cache (and fill it) by varying it.
    # (Two Wagtail Sites on one host name told apart only by port would share copies.)
    domain, _port = split_domain_port(host)
    return "entry:" + _digest(f"{domain or host}{path}?{query!r}")


def new_token() -> int:
    """A path's new version token: random, and an integer, which Django's Redis cache
    stores as plain digits, so a script can compare it (cms.cache.REFILL_IF_LATER)."""
    return secrets.randbits(62)


def purge_paths(paths) -> None:
    """Every cached copy of these paths (any host, any query string) becomes stale."""
    seconds = fresh_seconds()
    if not seconds:
        return
    timeout = seconds + STALE_SECONDS
    tokens = {version_key(path): new_token() for path in set(paths)}
    cache = page_cache()
    with nullcontext() if _shared(cache) else _LOCAL_SWAP:
        cache.set_many(tokens, timeout)


def _numbers_keys(path_key: str) -> tuple[str, str]:
    """Where a numbered refill says which token it set and the number it showed."""
    return path_key + ":set-with", path_key + ":set-by"


def purge_and_refill(
    host: str, paths, renderer, attempts: int = REFILL_ATTEMPTS, *, known=None
) -> int:
    """``purge_paths(paths)``, and in the same step fresh copies of those this host's
    readers had cached (without a query string), so that after a change the next
    readers get a hit: the process that made the change renders, once, instead of the
    first reader of each path while the others get the stale copy. ``renderer()``
    returns ``render(language)``, which gives the new body in a copy's language (its
    ``Content-Language``) and the number of the state it shows, ``(body, number)``,
    or None; the stored headers are kept. Returns how many copies were stored.

    Call it after the change is committed. The tokens are read before ``renderer()``
    is called, and what it shows must be read after; the new copies are stored only if
    no other purge came between. A change committed after that read purges after its
    commit, so no copy is ever fresh with an older state. When another purge came
    (two RSVPs at once), it tries again with the new tokens, ``attempts`` times in
    all, and then leaves a plain purge.

    Numbers: where the caller numbers the states it shows in the order of their
    commits (events.EventPlaces.changes), a refill whose copies show one numbered
    state records, with the path's new token, that it set it and the number
    (``_numbers_keys``). ``known`` is ``(render, number)`` for the state the caller's
    own change just committed: when the record says the current token was set by the
    refill of an earlier state, every purge so far was of a change no later than it,
    so ``known`` is shown without calling ``renderer()`` (which would read the state
    again); when by the refill of a later state, that refill came after this change
    committed and shows it: nothing is left to do. A purge without a number (a
    publish, a reader's first render) leaves the record behind its token: it proves
    nothing, and ``renderer()`` is called as without ``known``. In Redis, with the
    headers of every copy known in this process, that decision and the writes are
    one script (one round trip, no read first: ``_refill_if_later``).
    """
    seconds = fresh_seconds()
    if not seconds:
        return 0
    cache = page_cache()
    keys = [(version_key(path), _entry_key_for(host, path, [])) for path in set(paths)]
    if known is not None:
        written = _refill_if_later(cache, keys, known, seconds)
        if written is not None:
            return written
    path_keys = {path_key for path_key, _ in keys}
    numbers_keys = [key for path_key in path_keys for key in _numbers_keys(path_key)]
    for _attempt in range(attempts):
        found = cache.get_many([key for pair in keys for key in pair] + numbers_keys)
        _learn_headers(keys, found)
        set_by = _refilled_numbers(path_keys, found) if known is not None else None
        if set_by is not None and set_by[0] >= known[1]:
            return 0
        tokens = {path_key: new_token() for path_key in path_keys}
        render = known[0] if set_by is not None and set_by[1] < known[1] else None
        copies, shown = _fresh_copies(
            keys, found, tokens, render or renderer(), seconds
        )
        records = {}
        if len(shown) == 1 and None not in shown:
            for path_key, token in tokens.items():
                set_with, set_by_key = _numbers_keys(path_key)
                records.update({set_with: token, set_by_key: next(iter(shown))})
        watched = {path_key: found.get(path_key) for path_key in tokens}
        stored = {**copies, **records}
        if _set_many_unless_changed(cache, watched, tokens, stored, seconds):
            return len(copies)
    return 0


def _refilled_numbers(path_keys, found) -> tuple[int, int] | None:
    """(lowest, highest) number of the refills that set the current tokens of these
    paths, when each path's record says so; else None."""
    numbers = []
    for path_key in path_keys:
        set_with, set_by = _numbers_keys(path_key)
        token = found.get(path_key)
        if token is None or found.get(set_with) != token or found.get(set_by) is None:
            return None
        numbers.append(found[set_by])
    return (min(numbers), max(numbers)) if numbers else None


# The headers of the copies this process has refilled, by entry key: a refill in one
# script writes a copy only when it knows them without reading the copy first.
_copy_headers: dict[str, list] = {}
MAX_KNOWN_HEADERS = 4096


def _learn_headers(keys, found) -> None:
    for _path_key, key in keys:
        entry = found.get(key)
        if entry is not None:
            if len(_copy_headers) >= MAX_KNOWN_HEADERS:
                _copy_headers.clear()
            _copy_headers[key] = entry["headers"]


def _refill_if_later(cache, keys, known, seconds) -> int | None:
    """``purge_and_refill`` with ``known`` in one Redis script: the copies stored, 0
    when a later state is shown, or None when the script cannot decide (no record
    of a numbered refill behind the current token, a copy whose headers this
    process does not know, or a per-process cache): the caller reads and decides."""
    path_keys = {path_key for path_key, _ in keys}
    if not hasattr(cache, "refill_if_later") or len(path_keys) != 1:
        return None
    render, number = known
    (path_key,) = path_keys
    token = new_token()
    copies = {}
    for _path_key, key in keys:
        headers = _copy_headers.get(key)
        rendered = None
        if headers is not None:
            rendered = render(dict(headers).get("Content-Language"))
        if rendered is None:
            copies[key] = None  # refilled only if no reader has it
            continue
        copies[key] = _copy(token, rendered[0], headers, seconds)
    if not any(copies.values()):
        return None  # nothing known here yet: the read learns the headers
    return cache.refill_if_later(
        path_key,
        _numbers_keys(path_key),
        number,
        token,
        copies,
        seconds + STALE_SECONDS,
    )


def _fresh_copies(keys, found, tokens, render, seconds) -> tuple[dict, set]:
    """The new copies of the copies found, and the numbers of the states shown."""
    copies, shown = {}, set()
    for path_key, key in keys:
        version, entry = found.get(path_key), found.get(key)
        if version is None or entry is None:
            continue  # never read here, or fully expired: the first reader renders
        rendered = render(dict(entry["headers"]).get("Content-Language"))
        if rendered is None:
            continue
        content, change = rendered
        shown.add(change)
        copies[key] = _copy(tokens[path_key], content, entry["headers"], seconds)
    return copies, shown


def _copy(version, content: bytes, headers: list, seconds: int) -> dict:
    headers = dict(headers)
    if "Content-Length" in headers:
        headers["Content-Length"] = str(len(content))
    return _entry(version, content, list(headers.items()), seconds)


def _entry(version, content: bytes, headers: list, seconds: int) -> dict:
    """A stored copy: fresh for ``seconds`` while its path's token is ``version``;
    with its gzip-compressed body, made once here rather than on every hit
    (cms/compression.py compresses what passes it; about 0.2-0.4 ms of CPU for a
    15 KB page, a sixth of what a hit costs otherwise). The copy is the same for
    every reader and carries nobody's secret, so one compressed body serves all."""
    return {
        "version": version,
        "fresh_until": time.time() + seconds,
        "content": content,
        "gzip": _compressed(content, dict(headers).get("Content-Type", "")),
        "headers": headers,
    }


def _compressed(content: bytes, content_type: str) -> bytes | None:
    if not compresses(content_type, content):
        return None
    packed = compress_string(content, max_random_bytes=GZIP_RANDOM_BYTES)
    return packed if len(packed) < len(content) else None


def _shared(cache) -> bool:
    """Redis (cms.cache.FailSoftRedisCache), where a script makes the compare-and-set
    atomic; else a per-process cache, where _LOCAL_SWAP does."""
    return hasattr(cache, "set_many_unless_changed")


def _set_many_unless_changed(cache, watched, always, if_unchanged, seconds) -> bool:
    timeout = seconds + STALE_SECONDS
    if _shared(cache):
        return cache.set_many_unless_changed(watched, always, if_unchanged, timeout)
    # A per-process cache: purge_paths takes the same lock, and only a purge or a
    # first render (a token where there was none) changes a token.
    with _LOCAL_SWAP:
        now = cache.get_many(list(watched))
        unchanged = all(now.get(key) == value for key, value in watched.items())
        cache.set_many({**always, **(if_unchanged if unchanged else {})}, timeout)
    return unchanged


def _replay(request, entry, label: str) -> HttpResponse:
    packed = entry.get("gzip")
    packed = packed if packed and accepts_gzip(request) else None
    response = HttpResponse(packed or entry["content"])
    # Headers set below this middleware (X-Frame-Options, Content-Language...) were
    # stored with the body and are replayed.
    for header, value in entry["headers"]:
        response[header] = value
    if packed:
        # What GZipMiddleware would have said of the same body (it leaves an answer
        # that has a Content-Encoding alone).
        response["Content-Length"] = str(len(packed))
        response["Content-Encoding"] = "gzip"
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = "W/" + etag
        patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Page-Cache"] = label
    return response


def _is_fresh(entry, version) -> bool:
    return (
        entry is not None
        and version is not None
        and entry["version"] == version
        and entry["fresh_until"] > time.time()
    )


def _storable(request, response, query) -> bool:
    return (
        getattr(request, "page_cacheable", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and query is not None
        and all(request.page_cache_query.get(name) == value for name, value in query)
    )


def _holds_a_session(request) -> bool:
    """Whether the request's session cookie names a session that holds something (a
    signed-in staff member, a password given for a private page): such a reader gets
    their own render. A made-up cookie (any ``sessionid=x``) used to be enough to
    skip the cache, so a flood carrying one made every request a full render; now it
    costs one lookup in the session store and is served the shared copy."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    engine = import_module(settings.SESSION_ENGINE)
    try:
        return bool(engine.SessionStore(session_key=key).load())
    except Exception:
        # The session store down (the database, with the default engine): render, as
        # before, and let the page's own error answer say so.
        logger.warning("session store unreadable; page served uncached", exc_info=True)
        return True


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A HEAD's body is taken away outside, once compressed (cms/compression.py).
        return self._answer(request)

    def _answer(self, request):
        seconds = fresh_seconds()
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or _holds_a_session(request)
            # SecurityMiddleware, below, sends plain HTTP to HTTPS: a copy must not
            # answer first (it was stored from an HTTPS request).
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
        ):
            return self.get_response(request)
        cache = page_cache()
        query = _normalised_query(request)
        path_key = version_key(request.path)
        key = _entry_key(request, query)
        found = cache.get_many([path_key, key])
        version, entry = found.get(path_key), found.get(key)
        if _is_fresh(entry, version):
            return _replay(request, entry, "hit")
        lock = key + ":lock"
        if not cache.add(lock, 1, LOCK_SECONDS):
            if entry is not None:
                return _replay(request, entry, "stale")
            fresh = self._wait_for_render(cache, path_key, key)
            if fresh is not None:
                return _replay(request, fresh, "hit")
            return self.get_response(request)  # the render is slow: do our own
        try:
            return self._render_and_store(request, cache, query, path_key, key, version)
        finally:
            cache.delete(lock)

    def _wait_for_render(self, cache, path_key, key):
        """The fresh copy once the render that holds the lock stores it; None when
        the lock goes without one (a purge came mid-render, or the answer was not
        storable) or the wait is over: the caller then renders."""
        lock = key + ":lock"
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = cache.get_many([path_key, key, lock])
            if _is_fresh(found.get(key), found.get(path_key)):
                return found[key]
            if lock not in found:
                return None
        return None

    def _render_and_store(self, request, cache, query, path_key, key, version):
        seconds = fresh_seconds()
        response = self.get_response(request)
        if not _storable(request, response, query):
            if getattr(request, "page_cacheable", False):
                response["X-Page-Cache"] = "pass"
            return response
        if version is None:
            # Taken after the render: if a purge gave the path a token meanwhile, add()
            # fails and this copy, rendered before the change, is not stored.
            version = new_token()
            if not cache.add(path_key, version, seconds + STALE_SECONDS):
                return response
        elif cache.get(path_key) != version:
            return response  # purged while rendering: this copy may predate the change
        headers = [
            (header, value)
            for header, value in response.items()
            if header.lower() not in {"set-cookie", "x-page-cache"}
        ]
        entry = _entry(version, response.content, headers, seconds)
        cache.set(key, entry, seconds + STALE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response
