"""The Redis broker transport, with one Redis client per connection pool.

kombu's Redis channel builds a new ``redis.Redis`` for every message it publishes
(``Channel.conn_or_acquire``), and redis-py's constructor copies its table of response
callbacks each time: about 0.85 M instructions per task queued, 8 % of a crowd's RSVP
(bench/RESULTS.md). A client is only a handle on its thread-safe pool, so this channel
keeps one per pool, as cms.cache does for the page cache. A channel whose pool is
dropped (a reconnection) makes a new client with the new pool.

Used for ``redis://`` broker URLs (cms/settings/base.py); everything else about the
transport is kombu's.
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _reused_client = (None, None)

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        reused_pool, reused = self._reused_client
        if reused_pool is not pool:
            reused = self._create_client()
            self._reused_client = (pool, reused)
        yield reused


class Transport(redis.Transport):
    Channel = Channel

    @staticmethod
    def shown_uri(connection, uri: str) -> str:
        """How workers and beat name the broker (their banner's ``transport:``, the
        "Connected to ..." line): the URL as written, ``redis://:**@host:6379/0`` (the
        password masked), not ``cms.broker:Transport://...`` (cms.celery)."""
        return ("rediss" if connection.ssl else "redis") + uri[uri.index("://") :]
