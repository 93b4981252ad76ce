"""A per-process copy of hot, rarely changed rows, checked against a shared token.

A crowd asks for the same event or petition hundreds of times a second; each web
process keeps what it looked up instead of querying per request. Every lookup first
reads one token; a change anywhere gives the token a new value (``forget``), so every
process looks the rows up again on its next request.

The token lives in the shared cache (one Redis GET per lookup; without a shared cache,
the embedded default, other processes catch up within ``seconds``), or, with
``in_database=True``, in a database row (cms.models.MemoToken) that the change's own
transaction rewrites: exact in every process and on every backend, and a write can check
it in its own statement instead of paying a round trip first (``copy``).
"""

import secrets
import threading
import time
import uuid
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connection, transaction


class ProcessMemo:
    def __init__(self, name: str, *, seconds: float = 5.0, in_database: bool = False):
        self.token_key = f"process-memo:{name}"
        self.seconds = seconds
        self.in_database = in_database
        self._copies: dict[Hashable, tuple[object, float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], object]):
        """``load()``'s value for ``key``, as this process last saw it while no change
        came since; the value is shared by the process's threads: read only."""
        # Read before the query: a change committed meanwhile leaves this copy behind.
        token = self.token()
        now = time.monotonic()
        kept = self._copies.get(key)
        if kept is not None and kept[0] == token and now - kept[1] < self.seconds:
            return kept[2]
        value = load()
        with self._lock:
            self._copies[key] = (token, now, value)
        return value

    def copy(self, key: Hashable) -> tuple[object, object] | None:
        """(token, value) of this process's copy, younger than ``seconds``, *without*
        reading the token now; None when there is no such copy. Whoever acts on it must
        check the token where it acts (``is_current``, or in its own statement)."""
        kept = self._copies.get(key)
        if kept is None or time.monotonic() - kept[1] >= self.seconds:
            return None
        return kept[0], kept[2]

    def token(self):
        if self.in_database:
            from cms.models import MemoToken

            return (
                MemoToken.objects.filter(name=self.token_key)
                .values_list("value", flat=True)
                .first()
            )
        return cache.get(self.token_key)

    def is_current(self, token) -> bool:
        return token == self.token()

    def forget(self) -> None:
        """Rows changed: every process looks them up again, now and once the change
        commits (a lookup in between may have read the rows from before it)."""
        if self.in_database:
            self._new_database_token()
            return
        self._new_token()
        if connection.in_atomic_block:
            transaction.on_commit(self._new_token)

    def clear_copies(self) -> None:
        """Drop this process's copies (tests whose rolled-back rows reuse ids)."""
        with self._lock:
            self._copies.clear()

    def _new_token(self) -> None:
        self.clear_copies()
        cache.set(self.token_key, uuid.uuid4().hex, None)

    def _new_database_token(self) -> None:
        from cms.models import MemoToken

        self.clear_copies()
        # Random, not a counter: a rolled-back change must never hand its value to a
        # later one, or a copy read inside the rolled-back transaction would pass.
        # One upsert; it commits or rolls back with the change that called it.
        MemoToken.objects.bulk_create(
            [MemoToken(name=self.token_key, value=secrets.randbits(63))],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["value"],
        )
