"""The Redis cache clears its own keys only: the broker's queues may share its database."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_clearing_the_cache_keeps_queued_tasks_and_other_keys():
    client = redis.Redis.from_url(settings.REDIS_URL)
    foreign = "test-cache-clear:queued-task"
    client.set(foreign, "an e-mail waiting to be sent")
    try:
        cache.set("rate-limit", 3)
        cache.set("page", "<html>")
        assert cache.get("page") == "<html>"

        assert cache.clear() is True

        assert cache.get("rate-limit") is None
        assert cache.get("page") is None
        assert client.get(foreign) == b"an e-mail waiting to be sent"
    finally:
        client.delete(foreign)
