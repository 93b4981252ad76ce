"""The partner API's rate limits, in one place.

Counted by the site's limiter (cms/ratelimit.py: keyed hashes in the counters' cache,
failing open when Redis is down). A key is limited by its id, so no client address is
involved; only failed authentications are counted per client (the trusted-proxy client
of cms/ratelimit.py).
"""

from django.conf import settings

from cms import ratelimit

WINDOW = 60


def key_allowed(api_key) -> bool:
    """Count one request for this key; False once it is over its per-minute limit."""
    return ratelimit.allow_count(
        "api-key", str(api_key.pk), count=api_key.rate_limit, window=WINDOW
    )


def bad_key_allowed(request) -> bool:
    """Count one failed authentication from this client; False once over the limit."""
    return ratelimit.allow_count(
        "api-bad-key",
        ratelimit.client_id(request),
        count=settings.PARTNER_API_BAD_KEYS_PER_MINUTE,
        window=WINDOW,
    )
