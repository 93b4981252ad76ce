"""Rate limits for public forms, on the shared cache, failing open.

Keys are hashed by django-ratelimit, so no IP address or e-mail reaches the cache in
clear. If the cache (Redis) is down a signup must still be stored: we let it through.
"""

import logging

from django.conf import settings
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from . import crypto

logger = logging.getLogger(__name__)


def _limited(request, *, group: str, key, rate: str) -> bool:
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except (RedisError, OSError):
        logger.warning("rate-limit cache unavailable; request allowed (%s)", group)
        return False
    return bool(usage and usage["should_limit"])


def ip_limited(request, *, group: str) -> bool:
    """True when this client address has posted too often to ``group``."""
    return _limited(
        request, group=f"{group}:ip", key="ip", rate=settings.SUBSCRIBERS_RATE_PER_IP
    )


def address_limited(request, *, group: str, email: str) -> bool:
    """True when this e-mail address has been submitted too often to ``group``."""
    digest = crypto.lookup_hash(email)
    return _limited(
        request,
        group=f"{group}:address",
        key=lambda _group, _request: digest,
        rate=settings.SUBSCRIBERS_RATE_PER_ADDRESS,
    )
