"""The owed guest messages keep moving: the beat queues the sender for messages a
broker outage left waiting, a claim lost with its worker is released, a failing
provider is retried and then given up on, each recorded on the row."""

import smtplib
from datetime import timedelta

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from cms.mail.esp import mail_down, refused_for_good
from events.guest_mail import (
    dispatch_guest_mail,
    release_stale_claims,
    send_guest_messages,
)
from events.models import GuestMessage
from events.rsvps import cancel_rsvp
from tests.events.guests import guest_event, rsvp

pytestmark = pytest.mark.django_db


class RefusingProvider(BaseEmailBackend):
    """The server answers, and refuses this message for good."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(554, b"5.7.1 Message rejected")


class BusyProvider(BaseEmailBackend):
    """The server answers "try again later" (an SMTP 4xx) to this message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")


class UnreachableProvider(BaseEmailBackend):
    calls = 0

    def send_messages(self, email_messages):
        UnreachableProvider.calls += 1
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def owed(home_page, run_on_commit):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org")  # each confirmation sent
    rsvp(event, "Bo", "bo@example.org")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)  # Ana's acknowledgement, Bo's promotion
    mail.outbox.clear()
    return GuestMessage.objects.exclude(kind=GuestMessage.Kind.CONFIRMATION)


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


def test_a_message_told_to_wait_is_retried_then_given_up(owed, settings):
    settings.EMAIL_BACKEND = "tests.events.test_guest_mail.BusyProvider"
    for _ in range(4):
        send_guest_messages()
    assert set(owed.values_list("status", "attempts")) == {("queued", 4)}
    send_guest_messages()
    assert set(owed.values_list("status", "attempts", "error")) == {
        ("failed", 5, "SMTPDataError")
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_guest_messages() == 0, "given up: recorded, not retried for ever"


def test_a_message_refused_for_good_is_not_tried_again(owed, settings):
    settings.EMAIL_BACKEND = "tests.events.test_guest_mail.RefusingProvider"
    assert send_guest_messages() == 2
    assert set(owed.values_list("status", "attempts", "error")) == {
        ("failed", 1, "SMTPDataError")
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_guest_messages() == 0
    assert not mail.outbox


def test_an_unreachable_server_stops_the_round_and_costs_no_attempt(owed, settings):
    settings.EMAIL_BACKEND = "tests.events.test_guest_mail.UnreachableProvider"
    UnreachableProvider.calls = 0
    for _ in range(12):  # more rounds than MAX_ATTEMPTS: nothing is given up
        assert send_guest_messages() == 0
    assert UnreachableProvider.calls == 12, "one try per round, not one per message"
    assert set(owed.values_list("status", "attempts")) == {("queued", 0)}
    assert "ConnectionRefusedError" in set(owed.values_list("error", flat=True))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_guest_messages() == 2, "the server is back: every message goes"
    assert set(owed.values_list("status", "attempts", "error")) == {("sent", 1, "")}


@pytest.mark.parametrize(
    ("error", "down"),
    [
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no")}), False),
        (ValueError("a bug of ours"), False),
    ],
)
def test_mail_down_tells_an_absent_server_from_a_refusal(error, down):
    assert mail_down(error) is down


@pytest.mark.parametrize(
    ("error", "for_good"),
    [
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}),
            True,
        ),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}), False),
        (AnymailRecipientsRefused("every recipient rejected"), True),
        (ConnectionRefusedError(111, "refused"), False),
        (ValueError("a bug of ours"), False),
    ],
)
def test_refused_for_good_tells_a_final_no_from_a_try_later(error, for_good):
    assert refused_for_good(error) is for_good


def test_an_esp_that_is_busy_is_waited_for_and_a_refused_address_counted(
    owed, fake_mailgun
):
    fake_mailgun.faults.fail_next = [503, 429, 401]
    assert send_guest_messages() == 0, "503: the round stops"
    assert send_guest_messages() == 0, "429: the round stops"
    assert send_guest_messages() == 0, "401 (a wrong API key): the round stops"
    assert set(owed.values_list("status", "attempts")) == {("queued", 0)}
    fake_mailgun.faults.reject_addresses = {"ana@example.org"}  # Mailgun's 400
    assert send_guest_messages() == 2
    assert sorted(owed.values_list("status", "attempts", "error")) == [
        ("failed", 1, "AnymailRequestsAPIError"),  # Ana's: a 400 is final
        ("sent", 1, ""),  # Bo's, after Ana's refusal in the same round
    ]
    assert fake_mailgun.recipients() == ["bo@example.org"]
    fake_mailgun.faults.reject_addresses = set()
    assert send_guest_messages() == 0, "a refused address is not tried again"
    assert fake_mailgun.recipients() == ["bo@example.org"]


def test_a_suppressed_address_gets_no_guest_mail_but_one_who_left_every_list_does(
    home_page, sender_queued
):
    """An erased, bounced or blocked address is never mailed, RSVP or not; leaving
    every list is not a reason to miss the RSVP one asked for."""
    from django.core import mail

    from subscribers import crypto
    from subscribers.models import Suppression
    from tests.events.guests import guest_event, rsvp

    Suppression.objects.create(
        email_hash=crypto.lookup_hash("gone@example.org"), reason="erased"
    )
    Suppression.objects.create(
        email_hash=crypto.lookup_hash("left@example.org"), reason="unsubscribed"
    )
    event = guest_event(capacity=None)
    mail.outbox.clear()
    gone = rsvp(event, "Gone", "gone@example.org")  # its confirmation, if any, sent
    rsvp(event, "Left", "left@example.org")

    assert [message.to for message in mail.outbox] == [["left@example.org"]]
    skipped = GuestMessage.objects.get(rsvp=gone)
    assert (skipped.status, skipped.error) == ("skipped", "suppressed")
