"""A messages-per-second ceiling per lane, shared by every worker through the cache.

Fixed one-second windows counted with cache.incr (atomic in Redis). Without Redis the
cache is per process, so the ceiling holds per worker process only; while the Redis
cache is unreachable (the count unknown: cms.cache answers None), each process keeps
to the rate by itself, pausing count / rate seconds.
"""

import time

from django.conf import settings
from django.core.cache import cache


def rate_for(lane: str) -> float:
    return (
        settings.MAILING_ALERT_RATE_LIMIT
        if lane == "alerts"
        else settings.MAILING_RATE_LIMIT
    )


def batch_size_for(lane: str) -> int:
    """A batch never exceeds one second's allowance, so windows can always admit it."""
    rate = rate_for(lane)
    size = settings.MAILING_BATCH_SIZE
    return max(1, min(size, int(rate))) if rate else size


def wait_for_capacity(lane: str, count: int, *, max_wait: float = 60.0) -> None:
    rate = rate_for(lane)
    if not rate:
        return
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        window = int(time.time())
        key = f"mailing-rate:{lane}:{window}"
        cache.add(key, 0, timeout=10)
        try:
            used = cache.incr(key, count)
        except ValueError:  # the key expired between add and incr
            continue
        if used is None:  # Redis unreachable: this process's own share of the rate
            time.sleep(count / rate)
            return
        if used <= rate:
            return
        time.sleep(max(0.0, window + 1 - time.time()))
