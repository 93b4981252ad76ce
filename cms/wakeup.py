"""Waking a worker that finds its own work, once per burst instead of once per row.

A crowd's RSVPs each owe an e-mail. Publishing one Celery task per RSVP cost the web
worker 2.2 M instructions each, more than the rest of the RSVP's own work
(bench/RESULTS.md). The owed e-mails are rows in the database and their sender claims
them itself, so one sender serves every row written before it looks: a web process
publishes only when no sender is waiting in the queue or working.

"Waiting or working" is a flag in the shared cache (Redis), set with SET NX by whoever
publishes and cleared by the sender (``awake``) when its turn is over, *before* it
looks for rows once more (and queues itself again if any wait). A row committed while
the flag was set is therefore committed before that last look; a row committed after
the sender cleared it publishes again. One sender at a time also keeps the lane fair:
the guest-mail sender queues itself behind whatever was published during its turn (a
rally alert). A flag left by a publish that failed is cleared at once; one left by a
process that died expires after ``WAKE_SECONDS``, and the beat tasks that sweep for
owed rows run within a minute regardless.

Without Redis (the embedded setup) the cache is each process's own, so nothing can be
shared: every call publishes, as before.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from cms.celery import publish

logger = logging.getLogger(__name__)

WAKE_SECONDS = 60


def _flag(task) -> tuple[object, str] | None:
    """The shared Redis client and the flag's key for ``task``; None without Redis."""
    store = caches["default"]
    if not isinstance(store, RedisCache):
        return None
    key = store.make_key(f"wake:{task.name}")
    return store._cache.get_client(key, write=True), key


def wake(task, **options) -> bool:
    """Queue ``task`` (no arguments) unless one is already waiting to start. True
    when a sender is waiting, queued now or before; False if the broker refused (the
    beat tasks queue it later)."""
    flag = _flag(task)
    if flag is not None:
        client, key = flag
        try:
            if not client.set(key, b"1", nx=True, ex=WAKE_SECONDS):
                return True
        except RedisError as error:
            # Publish anyway: a spare sender costs nothing, a missing one delays mail.
            logger.warning("wake flag not set, queueing anyway: %s", error)
            flag = None
    if publish(task, **options):
        return True
    if flag is not None:
        _forget(*flag)
    return False


def awake(task) -> None:
    """Called by ``task`` when its turn is over, before it looks for work once more:
    from now on, the next row written queues another run. (Also after emptying its
    queue by hand.)"""
    flag = _flag(task)
    if flag is not None:
        _forget(*flag)


def _forget(client, key: str) -> None:
    try:
        client.delete(key)
    except RedisError as error:
        logger.warning("wake flag not cleared (it expires): %s", error)
