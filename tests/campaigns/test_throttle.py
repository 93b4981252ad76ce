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


def test_a_redis_outage_paces_the_batch_instead_of_crashing_it(
    fake_esp, home_page, settings, caplog
):
    """The operator's restart of Redis while a 3,000-person bulletin was sending at
    MAILING_RATE_LIMIT=20: cache.incr answered None (cms.cache carries on without
    Redis), `None <= rate` raised TypeError, and each batch in flight was taken for a
    poison batch ("batch of mailing 1 crashed (TypeError): isolating") and sent one
    by one with no ceiling at all. Without the shared count each process keeps to the
    rate by itself, and the batch goes out as one."""
    import logging

    from campaigns.mailings.models import Delivery
    from campaigns.mailings.services import sending
    from campaigns.mailings.services.starting import materialise_deliveries
    from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
    from tests.smtp_sink import free_port

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "cms.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        },
    }
    settings.MAILING_RATE_LIMIT = 4
    (legal,) = lists(1)
    for n in range(4):
        subscribe(f"person{n}@example.org", [legal], language="en")
    mailing = sending_mailing(home_page, [legal], languages=("en",))
    materialise_deliveries(mailing, ["en"])

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="campaigns.mailings"):
        assert sending.send_batch(mailing_id=mailing.pk) == 4
        assert sending.send_batch(mailing_id=mailing.pk) == 0
    assert not [r for r in caplog.records if "isolating" in r.getMessage()]
    assert fake_esp.calls == 1, "one call for the batch, not one per recipient"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}

    for _ in range(2):  # eight more at four a second: the ceiling holds here
        throttle.wait_for_capacity("bulk", 4)
    assert time.monotonic() - started >= 1.9
