"""A per-process copy of hot, rarely changed rows, checked against a shared token.

A crowd asks for the same event or petition hundreds of times a second; each web
process keeps what it looked up instead of querying per request. Every lookup first
reads one token from the shared cache (a single Redis GET); a change anywhere gives the
token a new value (``forget``), so every process looks the rows up again on its next
request. Without a shared cache (the embedded default, one cache per process) other
processes catch up within ``seconds``.
"""

import threading
import time
import uuid
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connection, transaction


class ProcessMemo:
    def __init__(self, name: str, *, seconds: float = 5.0):
        self.token_key = f"process-memo:{name}"
        self.seconds = seconds
        self._copies: dict[Hashable, tuple[str | None, float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], object]):
        """``load()``'s value for ``key``, as this process last saw it while no change
        came since; the value is shared by the process's threads: read only."""
        # Read before the query: a change committed meanwhile leaves this copy behind.
        token = cache.get(self.token_key)
        now = time.monotonic()
        kept = self._copies.get(key)
        if kept is not None and kept[0] == token and now - kept[1] < self.seconds:
            return kept[2]
        value = load()
        with self._lock:
            self._copies[key] = (token, now, value)
        return value

    def forget(self) -> None:
        """Rows changed: every process looks them up again, now and once the change
        commits (a lookup in between may have read the rows from before it)."""
        self._new_token()
        if connection.in_atomic_block:
            transaction.on_commit(self._new_token)

    def _new_token(self) -> None:
        with self._lock:
            self._copies.clear()
        cache.set(self.token_key, uuid.uuid4().hex, None)
