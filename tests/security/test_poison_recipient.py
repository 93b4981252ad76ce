"""A poison recipient (its provider call crashes the task) is quarantined after three
tries while everyone else in its batch and the mailing is sent once."""

from collections import Counter

import pytest

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.conftest import fake_esp, private_cache  # noqa: F401
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe

pytestmark = pytest.mark.django_db
POISON = "poison@example.org"


def test_poison_is_quarantined_after_three_tries_and_the_rest_are_sent(
    fake_esp,  # noqa: F811
    home_page,
    settings,
):
    settings.MAILING_BATCH_SIZE = 4
    (legal,) = lists(1)
    addresses = [f"person{n}@example.org" for n in range(9)]
    addresses.insert(2, POISON)  # in the first batch, among innocents
    for address in addresses:
        subscribe(address, [legal])
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    fake_esp.faults.garble_addresses = {POISON}

    # What the send chain and beat's sweeper do, run to completion.
    runs = 0
    while Delivery.objects.filter(mailing=mailing, status="queued").exists():
        runs += 1
        assert runs < 20, "the poison row must not keep the send going forever"
        sending.send_batch(mailing_id=mailing.pk)
    sending.finish_if_done(mailing_id=mailing.pk)

    received = Counter(fake_esp.recipients())
    innocent = [a for a in addresses if a != POISON]
    missing = len(set(innocent) - set(received))
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    poison = Delivery.objects.get(mailing=mailing, subscriber__email_hash=_hash())
    summary = (
        f"recipients missing={missing} duplicated={duplicated}; "
        f"poison status={poison.status} after {poison.attempts} tries"
    )
    assert missing == 0, summary
    assert duplicated == 0, summary
    assert POISON not in received, summary
    assert poison.status == Delivery.Status.FAILED, summary
    assert poison.attempts == 3, summary
    assert poison.error.startswith("quarantined after 3 tries"), summary
    assert Delivery.objects.filter(mailing=mailing, status="sent").count() == len(
        innocent
    ), summary
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, summary


def _hash() -> str:
    from subscribers.crypto import lookup_hash

    return lookup_hash(POISON)
