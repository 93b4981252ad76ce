"""One person's e-mail task (a signup confirmation, a preferences link, a signature's
verification) retries while the ESP is down or busy, and stops at once when the ESP
refuses the message for good: anymail's HTTP errors are all OSErrors, so autoretry
alone would call the ESP ten more times for an address it already rejected."""

import pytest

from cms.celery import RefusedForGood
from subscribers.tasks import send_preferences_link_task
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db


def test_an_address_the_esp_rejects_is_tried_once(fake_mailgun, home_page):
    subscriber = make_subscriber("nadie@example.net")
    fake_mailgun.faults.reject_addresses = {"nadie@example.net"}

    result = send_preferences_link_task.apply((subscriber.pk,))

    assert fake_mailgun.calls == 1, "a 400 for the address is final: no retries"
    assert isinstance(result.result, RefusedForGood)
    assert str(result.result) == "AnymailRequestsAPIError 400"
    assert "nadie@example.net" not in str(result.result), "ids and codes, no address"


@pytest.mark.parametrize("status", [429, 500, 503, 401])
def test_a_busy_or_broken_esp_is_tried_again(fake_mailgun, home_page, status):
    subscriber = make_subscriber("alguien@example.net")
    fake_mailgun.faults.fail_next = [status, status]

    result = send_preferences_link_task.apply((subscriber.pk,))

    assert result.successful(), result.result
    assert fake_mailgun.calls == 3, "two failures retried, the third call delivered"
    assert [row.to for row in fake_mailgun.delivered] == ["alguien@example.net"]


def test_a_greylisting_smtp_server_is_tried_again(settings, home_page):
    """An SMTP 450 for the recipient is "try later" (the old rule gave up on every
    refused recipient, a greylisting included); a 550 is final."""
    from tests.smtp_sink import SmtpSink, free_port

    sink = SmtpSink(port=free_port())
    settings.EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    sink.greylist_once = {"later@example.net"}
    sink.refuse = {"gone@example.net"}
    sink.start()
    try:
        later = send_preferences_link_task.apply(
            (make_subscriber("later@example.net").pk,)
        )
        gone = send_preferences_link_task.apply(
            (make_subscriber("gone@example.net").pk,)
        )
    finally:
        sink.stop()

    assert later.successful(), later.result
    assert [to for to, _raw in sink.envelopes] == [["later@example.net"]]
    assert isinstance(gone.result, RefusedForGood)
    assert str(gone.result) == "SMTPRecipientsRefused"
