"""The Redis broker transport reuses one Redis client per pool (cms/broker.py)."""

import uuid

import pytest
from django.conf import settings
from kombu import Connection

from cms.broker import Transport
from cms.celery import app

pytestmark = pytest.mark.redis


def test_the_app_publishes_through_our_transport():
    with app.connection_for_write() as connection:
        assert connection.transport_cls == "cms.broker:Transport"
        assert isinstance(connection.transport, Transport)


def test_one_client_per_pool_and_messages_still_arrive():
    name = f"test-broker-{uuid.uuid4().hex}"
    with Connection(settings.REDIS_URL, transport=Transport) as connection:
        queue = connection.SimpleQueue(name)
        try:
            channel = queue.channel
            with channel.conn_or_acquire() as first:
                pass
            with channel.conn_or_acquire() as second:
                pass
            assert first is second, "one client for the pool"
            queue.put({"n": 1})
            assert queue.get(timeout=5).payload == {"n": 1}

            channel._disconnect_pools()  # what kombu does on a reconnection
            with channel.conn_or_acquire() as third:
                pass
            assert third is not first
            assert third.connection_pool is channel.pool
            queue.put({"n": 2})
            message = queue.get(timeout=5)
            assert message.payload == {"n": 2}
            message.ack()
        finally:
            queue.queue.delete()
            queue.close()
