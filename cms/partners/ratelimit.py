"""The partner API's rate limits, in one place.

Counted with the site's fixed-window limiter (campaigns.ratelimit: hashed keys in the
shared cache, failing open when Redis is down). A key is limited by its id, so no
client address is involved; only failed authentications are counted per client, with
the client key of that same module (to be pointed at the site-wide trusted-proxy
helper when it lands).
"""

from django.conf import settings

from campaigns import ratelimit as limiter

WINDOW = 60


def key_allowed(api_key) -> bool:
    """Count one request for this key; False once it is over its per-minute limit."""
    return limiter.hit(
        "api-key", str(api_key.pk), limit=api_key.rate_limit, window=WINDOW
    )


def bad_key_allowed(request) -> bool:
    """Count one failed authentication from this client; False once over the limit."""
    return limiter.hit(
        "api-bad-key",
        limiter.client_key(request),
        limit=settings.PARTNER_API_BAD_KEYS_PER_MINUTE,
        window=WINDOW,
    )
