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


def test_one_redis_client_serves_every_call_and_thread():
    """Django builds a redis.Redis per cache call; ours keeps one per pool, shared by
    threads (the pool hands each command its own connection)."""
    import threading

    backend = cache._cache
    first = backend.get_client(write=True)
    assert backend.get_client(write=False) is first

    results, errors = [], []

    def work(number):
        try:
            for step in range(50):
                key = f"client-reuse:{number}:{step}"
                cache.set(key, step)
                results.append(cache.get(key) == step)
                cache.delete(key)
        except Exception as error:  # noqa: BLE001 reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 400
    assert all(results)
    assert backend.get_client() is first


def test_a_window_counter_counts_and_keeps_its_first_expiry():
    """cms.ratelimit's counters: SET NX EX then INCR in one MULTI/EXEC round trip."""
    key = "window-counter-test"
    cache.delete(key)
    try:
        assert [cache.count_in_window(key, 60) for _ in range(3)] == [1, 2, 3]
        client = cache._cache.get_client(write=True)
        stored = cache.make_and_validate_key(key)
        assert 0 < client.ttl(stored) <= 60
        assert cache.count_in_window(key, 600) == 4
        assert client.ttl(stored) <= 60, "a later count never extends the window"
        # Still the plain integer Django's own get and incr read.
        assert cache.get(key) == 4
        assert cache.incr(key) == 5
    finally:
        cache.delete(key)


def test_a_conditional_set_happens_only_while_the_watched_keys_hold():
    """cms.page_cache.purge_and_refill's step: the new tokens always, the fresh copies
    only if no purge came since the tokens were read (one Lua script)."""
    keys = ["cas-token", "cas-absent", "cas-copy"]
    cache.delete_many(keys)
    try:
        cache.set("cas-token", "t1", 60)
        watched = {"cas-token": "t1", "cas-absent": None}
        assert cache.set_many_unless_changed(
            watched, {"cas-token": "t2"}, {"cas-copy": {"body": b"fresh"}}, 30
        )
        assert cache.get_many(keys) == {
            "cas-token": "t2",
            "cas-copy": {"body": b"fresh"},
        }
        client = cache._cache.get_client(write=True)
        assert 0 < client.ttl(cache.make_and_validate_key("cas-copy")) <= 30

        # Watched "t1", but another purge wrote "t2": only the tokens are set.
        assert not cache.set_many_unless_changed(
            watched, {"cas-token": "t3"}, {"cas-copy": {"body": b"old"}}, 30
        )
        assert cache.get("cas-token") == "t3"
        assert cache.get("cas-copy") == {"body": b"fresh"}

        cache.set("cas-absent", 1, 60)  # an absent key that appeared also counts
        assert not cache.set_many_unless_changed(
            {"cas-token": "t3", "cas-absent": None}, {}, {"cas-copy": 2}, 30
        )
        assert cache.get("cas-copy") == {"body": b"fresh"}
    finally:
        cache.delete_many(keys)
