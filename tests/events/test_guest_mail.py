"""The owed guest messages keep moving: the beat queues the sender for messages a
broker outage left waiting, a claim lost with its worker is released, a failing
provider is retried and then given up on, each recorded on the row."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from events.guest_mail import (
    dispatch_guest_mail,
    release_stale_claims,
    send_guest_messages,
)
from events.models import GuestMessage
from events.rsvps import cancel_rsvp
from tests.events.guests import guest_event, rsvp

pytestmark = pytest.mark.django_db


class BrokenProvider(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("provider unreachable")


@pytest.fixture
def owed(home_page, run_on_commit):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org")
    rsvp(event, "Bo", "bo@example.org")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)  # Ana's acknowledgement, Bo's promotion
    mail.outbox.clear()
    return GuestMessage.objects.all()


def test_the_beat_queues_the_sender_while_messages_wait(owed, sender_queued):
    sender_queued.clear()
    assert dispatch_guest_mail() == {"reminders": 0, "released": 0, "waiting": 1}
    assert sender_queued == [1]
    send_guest_messages()
    assert dispatch_guest_mail()["waiting"] == 0
    assert len(mail.outbox) == 2


def test_a_claim_lost_with_its_worker_is_released_and_sent_once(owed, settings):
    lost = owed.first()
    GuestMessage.objects.filter(pk=lost.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=1)
    )
    assert release_stale_claims() == 0, "not yet past MAILING_SENDING_TIMEOUT"
    settings.MAILING_SENDING_TIMEOUT = 30
    assert release_stale_claims() == 1
    assert send_guest_messages() == 2
    assert send_guest_messages() == 0
    assert len(mail.outbox) == 2


def test_a_failing_provider_is_retried_then_given_up(owed, settings):
    settings.EMAIL_BACKEND = "tests.events.test_guest_mail.BrokenProvider"
    for _ in range(5):
        send_guest_messages()
    assert set(owed.values_list("status", "attempts", "error")) == {
        ("failed", 5, "OSError")
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_guest_messages() == 0, "given up: recorded, not retried for ever"
