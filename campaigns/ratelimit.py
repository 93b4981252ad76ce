"""Fixed-window rate limits in the cache, keyed by hashes only (no IPs, no addresses)."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_key(request) -> str:
    """A keyed hash of the client address: enough to throttle, useless to identify."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(
        settings.LOOKUP_HASH_KEY.encode(), f"ip:{address}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the window has room, False once over ``limit``."""
    if limit <= 0:
        return True
    name = f"rl:{scope}:{key}"
    if cache.add(name, 1, timeout=window):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window)
        return True
    if count is None:
        # The cache (Redis) is unreachable: fail open, like the signup limiter, so an
        # outage never refuses or breaks a signature.
        return True
    return count <= limit
