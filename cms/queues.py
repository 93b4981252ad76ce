"""How many tasks wait in each lane's queue, read from the broker itself."""

from django.conf import settings
from kombu.exceptions import ChannelError


def _depth(channel, name: str) -> int:
    # Not passive: kombu's passive check asks Redis EXISTS without the broker's global
    # key prefix and finds no queue. Declaring a queue is a no-op on the Redis and
    # file transports; the count comes from a prefixed LLEN.
    try:
        return channel.queue_declare(queue=name)[1]
    except ChannelError:
        return 0


def queue_depths() -> dict[str, int]:
    """Messages waiting per queue (default, bulk, alerts); a queue never declared
    or emptied counts 0. Raises the broker's error if it is unreachable."""
    from cms.celery import app

    with app.connection_for_read() as connection:
        channel = connection.default_channel
        return {name: _depth(channel, name) for name in settings.CELERY_QUEUES_ALL}


def others_waiting(name: str) -> bool:
    """Whether any task waits in this queue (the caller's own run is not in it any
    more); False when the broker cannot tell."""
    from kombu.exceptions import OperationalError

    from cms.celery import app

    try:
        with app.connection_for_read() as connection:
            return _depth(connection.default_channel, name) > 0
    except (OperationalError, OSError):
        return False
