"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

Wagtail caches site root paths and the signup form's rate limits live here; neither
may turn a Redis outage into a 500 (a signup must still be stored). Writes are dropped,
reads miss, and one warning per call is logged with the error, never with the key.

``clear()`` removes this cache's own keys only. Django's RedisCache flushes the whole
database, and the cache may share its Redis database with the Celery broker: a clear
would drop every queued e-mail.
"""

import logging
import re

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _warn(operation: str, error: Exception) -> None:
    logger.warning("cache %s failed, carrying on without it: %s", operation, error)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool, not one per cache call.

    Django builds a new client for every get or set; redis-py's constructor copies its
    table of response callbacks each time, which took ~14 % of a worker's CPU under the
    storm's cached GETs. A client is only a handle on its thread-safe pool, so one per
    pool serves every thread.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(
                id(pool), self._client(connection_pool=pool)
            )
        return client


# KEYS: the watched keys, then the ones always set, then the conditional ones; ARGV:
# how many watched, how many always set, the expiry in seconds (0: none), then one
# value per key (for a watched key, "" stands for "absent").
SET_UNLESS_CHANGED = """
local watched, always, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local unchanged = true
for i = 1, watched do
  local now = redis.call('GET', KEYS[i])
  local expected = ARGV[3 + i]
  if (expected == '' and now) or (expected ~= '' and now ~= expected) then
    unchanged = false
    break
  end
end
local last = #KEYS
if not unchanged then last = watched + always end
for i = watched + 1, last do
  if ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[3 + i], 'EX', ttl)
  else
    redis.call('SET', KEYS[i], ARGV[3 + i])
  end
end
return unchanged and 1 or 0
"""


# KEYS: a path's version token, the token its last numbered refill set, that
# refill's number, then the copies; ARGV: the caller's number, the new token, the
# expiry in seconds, then one value per copy ("" for a copy the caller cannot
# write). -1: no record behind the current token, or a copy exists the caller cannot
# write (it must read and decide); -2: a later number is shown; else how many copies
# were written (only those that exist: a copy nobody read is left to its reader).
REFILL_IF_LATER = """
local token = redis.call('GET', KEYS[1])
local set_with = redis.call('GET', KEYS[2])
local set_by = redis.call('GET', KEYS[3])
if not token or not set_with or not set_by or token ~= set_with then return -1 end
if tonumber(set_by) >= tonumber(ARGV[1]) then return -2 end
for i = 4, #KEYS do
  if ARGV[i] == '' and redis.call('EXISTS', KEYS[i]) == 1 then return -1 end
end
local ttl = ARGV[3]
redis.call('SET', KEYS[1], ARGV[2], 'EX', ttl)
redis.call('SET', KEYS[2], ARGV[2], 'EX', ttl)
redis.call('SET', KEYS[3], ARGV[1], 'EX', ttl)
local written = 0
for i = 4, #KEYS do
  if ARGV[i] ~= '' and redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('SET', KEYS[i], ARGV[i], 'EX', ttl)
    written = written + 1
  end
end
return written
"""


# KEYS: counters, in the order they are checked, then keys only read; ARGV: how many
# counters, then each one's limit and its window in seconds. Counts one attempt
# against each, as count_in_window does, and stops after the first one past its
# limit; returns the counts taken and the values of the keys read (false: absent).
COUNT_IN_TURN = """
local counters = tonumber(ARGV[1])
local counts, values = {}, {}
for i = 1, counters do
  redis.call('SET', KEYS[i], 0, 'EX', ARGV[2 * i + 1], 'NX')
  local used = redis.call('INCR', KEYS[i])
  counts[i] = used
  if used > tonumber(ARGV[2 * i]) then break end
end
for i = counters + 1, #KEYS do
  values[i - counters] = redis.call('GET', KEYS[i])
end
return {counts, values}
"""
# KEYS[1]: a counter; takes back one attempt if the counter still exists (its window
# may be over: a new window is never made to start below zero).
UNCOUNT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._scripts = {}

    def validate_key(self, key):
        """Nothing to check: Django warns about keys memcached would refuse (over 250
        characters, spaces, control characters) by walking every character of every
        key, on every call (every page-cache read and RSVP refill paid it). Redis keys
        are binary-safe, as django-redis leaves them."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _warn("add", error)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _warn("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _warn("set", error)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            _warn("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _warn("delete", error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _warn("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            _warn("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn("incr", error)
            # django-ratelimit reads None as "count unknown" and, with
            # RATELIMIT_FAIL_OPEN, lets the request through.
            return None

    def count_in_window(self, key, timeout: int, version=None) -> int | None:
        """One more against the counter ``key``, which lives ``timeout`` seconds from
        its first count; the new count, or None while Redis is unreachable.

        One round trip where ``add`` then ``incr`` took two for every count after the
        first: ``SET key 0 EX timeout NX`` then ``INCR key`` in MULTI/EXEC, so the
        counter can never exist without its expiry (a key that lost it would never
        reset). The stored value stays a plain integer, as ``get`` and ``incr`` read
        it."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        try:
            with client.pipeline(transaction=True) as pipe:
                pipe.set(key, 0, ex=timeout, nx=True)
                pipe.incr(key)
                _created, used = pipe.execute()
        except RedisError as error:
            _warn("count_in_window", error)
            return None
        return int(used)

    def _script(self, client, source: str):
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts.setdefault(source, client.register_script(source))
        return script

    def count_in_windows(self, counters, version=None) -> list[int] | None:
        """``count_in_window`` for several counters in one round trip, in order,
        stopping after the first past its limit: ``counters`` is a list of (key,
        limit, window seconds). Returns the counts taken (fewer than the counters
        when one stopped it), or None while Redis is unreachable."""
        return self.count_in_windows_and_read(counters, [], version)[0]

    def count_in_windows_and_read(
        self, counters, read_keys, version=None
    ) -> tuple[list[int] | None, list[bytes | None]]:
        """``count_in_windows``, and in the same round trip the raw values of
        ``read_keys``: full Redis keys, of any cache on this Redis database (None:
        absent, or Redis unreachable)."""
        keys, args = [], [len(counters)]
        for key, limit, timeout in counters:
            keys.append(self.make_and_validate_key(key, version=version))
            args += [limit, timeout]
        client = self._cache.get_client(None, write=True)
        try:
            counts, values = self._script(client, COUNT_IN_TURN)(
                keys=keys + list(read_keys), args=args, client=client
            )
        except RedisError as error:
            _warn("count_in_windows", error)
            return None, [None] * len(read_keys)
        return [int(used) for used in counts], [value or None for value in values]

    def uncount(self, key, version=None) -> None:
        """One attempt fewer on the counter ``key``, if it still exists."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        try:
            self._script(client, UNCOUNT)(keys=[key], client=client)
        except RedisError as error:
            _warn("uncount", error)

    def set_many_unless_changed(
        self, watched, always, if_unchanged, timeout=DEFAULT_TIMEOUT, version=None
    ) -> bool:
        """Set ``always``, and ``if_unchanged`` too when every key of ``watched`` still
        holds its value there (None: absent), in one atomic step (a Lua script, one
        round trip). True when ``if_unchanged`` was set; False too while Redis is
        unreachable."""
        serializer = self._cache._serializer
        ttl = self.get_backend_timeout(timeout)
        groups = (watched, always, if_unchanged)
        keys, values = [], []
        for group in groups:
            for key, value in group.items():
                keys.append(self.make_and_validate_key(key, version=version))
                values.append(b"" if value is None else serializer.dumps(value))
        client = self._cache.get_client(None, write=True)
        try:
            done = self._script(client, SET_UNLESS_CHANGED)(
                keys=keys,
                args=[len(watched), len(always), ttl or 0, *values],
                client=client,
            )
        except RedisError as error:
            _warn("set_many_unless_changed", error)
            return False
        return bool(done)

    def refill_if_later(
        self, path_key, numbers_keys, number, token, copies, timeout, version=None
    ) -> int | None:
        """cms.page_cache's refill of ``path_key``'s copies in one script
        (REFILL_IF_LATER): ``copies`` maps each copy's key to its new value, or None
        for one the caller cannot write. The copies written; 0 when a later number is
        shown; None when the script cannot decide, or Redis is unreachable."""
        serializer = self._cache._serializer
        keys = [
            self.make_and_validate_key(key, version=version)
            for key in (path_key, *numbers_keys, *copies)
        ]
        values = [
            b"" if value is None else serializer.dumps(value)
            for value in copies.values()
        ]
        client = self._cache.get_client(None, write=True)
        try:
            written = self._script(client, REFILL_IF_LATER)(
                keys=keys, args=[number, token, timeout, *values], client=client
            )
        except RedisError as error:
            _warn("refill_if_later", error)
            return None
        if written == -1:
            return None
        return max(written, 0)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            _warn("set_many", error)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            _warn("delete_many", error)

    def clear(self):
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        try:
            client = self._cache.get_client(None, write=True)
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.unlink(*batch)
                    batch = []
            if batch:
                client.unlink(*batch)
            return True
        except RedisError as error:
            _warn("clear", error)
            return False
