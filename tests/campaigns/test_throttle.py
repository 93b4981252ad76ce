"""The per-lane rate ceiling, shared through the cache."""

import time

import pytest
from django.core.cache import cache

from campaigns.mailings import throttle

pytestmark = pytest.mark.django_db


def test_batches_never_exceed_the_rate(settings):
    settings.MAILING_RATE_LIMIT = 50
    settings.MAILING_BATCH_SIZE = 1000
    cache.clear()
    assert throttle.batch_size_for("bulk") == 50, (
        "a batch fits in one second's allowance"
    )

    started = time.monotonic()
    for _ in range(3):
        throttle.wait_for_capacity("bulk", 50)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.0, f"150 messages at 50/s took only {elapsed:.2f}s"


def test_lanes_have_their_own_ceiling_and_zero_means_none(settings):
    settings.MAILING_RATE_LIMIT = 10
    settings.MAILING_ALERT_RATE_LIMIT = 0
    cache.clear()
    started = time.monotonic()
    for _ in range(5):
        throttle.wait_for_capacity("alerts", 1000)
    assert time.monotonic() - started < 0.5, (
        "alerts are not held back by the bulk ceiling"
    )
    assert throttle.batch_size_for("alerts") == settings.MAILING_BATCH_SIZE
