"""Who the client is and how often it may knock: the one module every limiter uses.

- ``client_address``: the visitor's IP address behind ``TRUSTED_PROXY_COUNT`` reverse
  proxies (each appends the address it was reached from to X-Forwarded-For, so the
  client is that many entries from the right; whatever stands further left was
  written by the client and is ignored).
- ``keyed_hash``: HMAC-SHA256 under a key derived from SECRET_KEY for this purpose
  only. A plain hash of an IPv4 address or a known e-mail address is undone by hashing
  every candidate; without the key that is impossible, and these hashes never match
  the database's address lookup hashes either. Nothing else about a client or an
  address reaches the cache.
- ``mailbox``: an e-mail address normalised for limits only (case, +tags, Gmail
  dots), so ``a+1@`` and ``a+2@`` share one allowance; stored addresses keep their form.
- ``allow``: a fixed-window counter in the ``ratelimit`` cache (the broker's Redis,
  which never evicts). It fails open: a Redis outage must not refuse a signup.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import time
import unicodedata
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from cms.settings.env import parse_rate
from subscribers.crypto import DOTLESS_DOMAINS

logger = logging.getLogger(__name__)

# An IPv6 visitor usually holds a whole /64: limiting single addresses inside it
# would be no limit at all.
IPV6_PREFIX = 64


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:5555
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _client_ip(meta):
    """From request.META (or a WSGI environ: the same keys)."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part
            for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            # Fewer entries than proxies: the request skipped the outer ones; the
            # leftmost entry is the nearest to the client we can know.
            candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
            address = _parse_ip(candidate)
            if address is not None:
                return address
    return _parse_ip(meta.get("REMOTE_ADDR", ""))


def client_address(request) -> str:
    """The visitor's IP address as text ("unknown" if there is none to be had)."""
    address = _client_ip(request.META)
    return str(address) if address is not None else "unknown"


def client_network(request) -> str:
    """What one client holds: its IPv4 address, or its IPv6 /64."""
    address = _client_ip(request.META)
    if address is None:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


@cache
def _derived_key(secret: str) -> bytes:
    return hmac.new(
        secret.encode(), b"cms.ratelimit keyed hash", hashlib.sha256
    ).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC of ``value`` for ``purpose``: the only form in which a client or an address
    may be cached; 128 bits, hex."""
    message = "\x1f".join((settings.RATELIMIT_NAMESPACE, purpose, value))
    digest = hmac.new(
        _derived_key(settings.SECRET_KEY), message.encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def client_id(request) -> str:
    """The keyed hash of the client's network (for limiters and django-axes)."""
    return keyed_hash("client", client_network(request))


def client_log_id(environ) -> str:
    """A short keyed hash of the client for a log line: correlates one day's lines,
    names nobody. The hash takes the day's random salt too: under SECRET_KEY alone an
    IPv4 address came back from its id in a fraction of a second (all of IPv4 is a
    few CPU hours), and the ids linked one client's visits across months of logs."""
    address = _client_ip(environ)
    salt = _log_salt(time.strftime("%Y-%m-%d", time.gmtime()))
    return "c-" + keyed_hash("log", f"{salt}:{address or 'unknown'}")[:12]


_log_salts: dict[str, str] = {}


def _log_salt(day: str) -> str:
    """The day's salt for log ids: random, shared by every process through the limits'
    cache (one round trip per process per day), kept two days and then gone, so an old
    line's id cannot be turned back into an address by anyone, key or no key."""
    salt = _log_salts.get(day)
    if salt is None:
        key, store = f"log-salt:{day}", counter_cache()
        try:
            store.add(key, secrets.token_hex(16), timeout=2 * 24 * 3600)
            salt = store.get(key)
        except Exception:  # noqa: BLE001 (a log line must never fail a request)
            salt = None
        _log_salts.clear()  # yesterday's goes from memory too
        _log_salts[day] = salt = salt or secrets.token_hex(16)
    return salt


def mailbox(email: str) -> str:
    """The mailbox an address reaches, for limits only: lower case, no +tag, no dots
    where the provider ignores them, the domain in its ASCII form."""
    text = unicodedata.normalize("NFKC", str(email)).strip().casefold()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return text
    domain = domain.rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def address_id(email: str) -> str:
    """The keyed hash of the mailbox an address reaches."""
    return keyed_hash("address", mailbox(email))


def counter_cache():
    """The cache that holds counters: the "ratelimit" alias (the broker's Redis, no
    eviction), or "default" where a deployment or a test defines only that one."""
    return caches["ratelimit" if "ratelimit" in settings.CACHES else "default"]


@cache
def _parsed(rate: str) -> tuple[int, int]:
    return parse_rate(rate)


def allow(limit: str, key: str) -> bool:
    """Count one attempt against ``settings.RATE_LIMITS[limit]`` for ``key`` (a keyed
    hash); True while the window has room. Fails open when the cache is down."""
    count, window = _parsed(settings.RATE_LIMITS[limit])
    return allow_count(limit, key, count=count, window=window)


def allow_count(limit: str, key: str, *, count: int, window: int) -> bool:
    """``allow`` with the rate given here (a partner key's own limit, say): at most
    ``count`` attempts per ``window`` seconds for ``key``; 0 means no limit."""
    if count <= 0:
        return True
    store = counter_cache()
    name = _counter_name(limit, key, window)
    count_in_window = getattr(store, "count_in_window", None)
    if count_in_window is not None:
        # Redis (cms.cache.FailSoftRedisCache): one round trip per attempt.
        used = count_in_window(name, window + 1)
    else:
        used = _add_then_incr(store, name, window)
    if used is None:  # Redis unreachable (FailSoftRedisCache): let it through
        return True
    _log_reached(limit, used, count)
    return used <= count


def _counter_name(limit: str, key: str, window: int) -> str:
    # Aligned windows: the key names its window, so a counter never outlives it. The
    # namespace keeps deployments (and tests) sharing one Redis apart, whatever the key.
    namespace = settings.RATELIMIT_NAMESPACE
    return f"rl:{namespace}:{limit}:{int(time.time() // window)}:{key}"


def first_refused(*attempts: tuple[str, Callable[[], str]]) -> str | None:
    """One attempt at each ``(limit, key())`` in turn, as ``allow`` would count them
    one after the other: the name of the first limit refused (the later ones are not
    counted), or None when all allowed. Keys are computed only for limits that are on.
    On Redis the whole turn is one round trip (a crowd's RSVP takes three limits); it
    fails open like ``allow``."""
    return first_refused_and_read(None, *attempts)[0]


def first_refused_and_read(
    read: tuple[str, str] | None, *attempts: tuple[str, Callable[[], str]]
) -> tuple[str | None, object]:
    """``first_refused``, and the value of ``read``, ``(cache alias, key)``, as that
    cache's ``get`` gives it: in the same round trip when that cache lives in the
    counters' Redis database (an RSVP checks its event's memo token with its limits),
    else with a ``get`` of its own. Returns (the first limit refused or None, the
    value or None)."""
    counters = []
    for limit, key in attempts:
        count, window = _parsed(settings.RATE_LIMITS[limit])
        if count > 0:
            counters.append((limit, _counter_name(limit, key(), window), count, window))
    store = counter_cache()
    reader = caches[read[0]] if read is not None else None
    count_in_windows = getattr(store, "count_in_windows_and_read", None)
    together = (
        count_in_windows is not None
        and reader is not None
        and _same_database(store, reader)
    )
    value = None
    if reader is not None and not together:
        value = reader.get(read[1])
    if count_in_windows is None:
        for limit, name, count, window in counters:
            used = _add_then_incr(store, name, window)
            if used is not None and used > count:
                _log_reached(limit, used, count)
                return limit, value
        return None, value
    used_counts, values = count_in_windows(
        [(name, count, window + 1) for _limit, name, count, window in counters],
        [reader.make_key(read[1])] if together else [],
    )
    if together and values[0] is not None:
        value = reader._cache._serializer.loads(values[0])
    for (limit, _name, count, _window), used in zip(
        counters, used_counts or (), strict=False
    ):
        if used > count:
            _log_reached(limit, used, count)
            return limit, value
    return None, value


def _same_database(store, reader) -> bool:
    """Whether two Redis caches' keys live in one Redis database (the same URLs)."""
    return isinstance(reader, RedisCache) and store._servers == reader._servers


def give_back(limit: str, key: str) -> None:
    """Take back one attempt counted at ``limit`` for ``key`` (an allowance taken for
    something that then did not happen), in the current window."""
    count, window = _parsed(settings.RATE_LIMITS[limit])
    if count <= 0:
        return
    store = counter_cache()
    name = _counter_name(limit, key, window)
    uncount = getattr(store, "uncount", None)
    if uncount is not None:
        uncount(name)
        return
    try:
        store.decr(name)
    except ValueError:  # the window is over: nothing to take back
        pass


def retry_after(response, limit: str):
    """``response`` (a 429 for ``limit``) with Retry-After: the seconds until the
    limit's window ends (windows are aligned, _counter_name), when its count is reset."""
    _count, window = _parsed(settings.RATE_LIMITS[limit])
    if window:
        response["Retry-After"] = str(max(1, math.ceil(window - time.time() % window)))
    return response


def _log_reached(limit: str, used: int, count: int) -> None:
    if used == count + 1:
        logger.info("rate limit reached: %s", limit)


def _add_then_incr(store, name: str, window: int) -> int | None:
    """The count after this attempt, in any Django cache (a per-process one without
    Redis)."""
    if store.add(name, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(name)
    except ValueError:  # expired between add and incr: a fresh window
        store.add(name, 1, timeout=window + 1)
        return 1


def _allow_keyed(limit: str, key: Callable[[], str]) -> bool:
    """``allow`` with the key computed only when the limit is on: hashing one for a
    limit switched off (0) would cost every request."""
    count, window = _parsed(settings.RATE_LIMITS[limit])
    return count <= 0 or allow_count(limit, key(), count=count, window=window)


def client_allowed(request, door: str) -> bool:
    """One attempt at ``door`` by this client (limit ``<door>.client``)."""
    return _allow_keyed(f"{door}.client", lambda: client_id(request))


def address_allowed(email: str, door: str) -> bool:
    """One attempt at ``door`` for this mailbox (limit ``<door>.address``)."""
    return _allow_keyed(f"{door}.address", lambda: address_id(email))


# The daily allowance of verification/confirmation e-mails per mailbox (a few: one a
# day left a person who rejoined or joined another list that day with nothing).
CONFIRMATION_MAIL = "confirmation-mail.address"


# An RSVP's confirmation (the event's details, its calendar invitation, for some
# events its address) has its own allowance per mailbox and event: sharing the daily
# one above, a guest who joined a list or RSVPed to another event that day was told
# "we sent you the details" and got nothing. Per event, a stranger can still make our
# forms write to a mailbox only about once per open event.
RSVP_MAIL = "rsvp-mail.address"
# And all RSVP confirmations to one mailbox, whatever the event (keyed by address_id).
RSVP_MAILS = "rsvp-mails.address"


def rsvp_mail_key(address: str, event_id: int) -> str:
    """The RSVP_MAIL key for ``address`` (an ``address_id``) at one event."""
    return f"{address}:{event_id}"


def allow_confirmation_mail(email: str) -> bool:
    """Take this mailbox's allowance of verification/confirmation e-mails (petitions,
    signups); False when it is used up for the day."""
    return address_allowed(email, "confirmation-mail")


def allow_preferences_link(email: str) -> bool:
    """Take this mailbox's allowance of preference links, asked for from a link that
    reached it (its own: sharing the one above, a person who joined that day was told
    a link was on its way and got none)."""
    return address_allowed(email, "preferences-link")
