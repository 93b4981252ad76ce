"""One person's e-mail (an RSVP confirmation, a signup confirmation) survives a mail
server that is down: a real worker retries (the signup's task with its backoff, the
RSVP's owed message when the beat wakes its sender) until the server is back. An
address the server refuses for good is not retried."""

import re

import pytest
from django.conf import settings

from events.guest_mail import dispatch_guest_mail
from events.models import GuestMessage
from events.services import record_rsvp
from subscribers.services import request_signup
from tests.factories import MailingListFactory, build_event
from tests.smtp_sink import SmtpSink, free_port
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

RETRY = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] retry: Retry in")


def retried(log_path) -> set[str]:
    return {match[1] for match in RETRY.finditer(log_path.read_text())}


def owed_to(email: str) -> GuestMessage | None:
    from subscribers.crypto import lookup_hash

    return GuestMessage.objects.filter(rsvp__email_hash=lookup_hash(email)).first()


def test_confirmations_wait_for_the_mail_server_and_a_refused_address_is_not_retried(
    home_page, tmp_path, private_queue
):
    event = build_event(rsvp_mode="internal")
    listing = MailingListFactory()
    port = free_port()  # nothing listens yet: every connection is refused
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR,
        CELERY_BROKER_POLLING_INTERVAL="0.05",
        EMAIL_PROVIDER="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="5",
    )
    log_path = tmp_path / "worker.log"
    sink = SmtpSink(port=port)
    sink.refuse = {"gone@example.net"}
    # The RSVP's confirmation is an owed guest message, sent from the alerts lane.
    with celery_worker(env=env, queues=[private_queue, "alerts"], log_path=log_path):
        record_rsvp(
            event_id=event.pk,
            name="María López",
            email="maria@example.net",
            language="es",
        )
        request_signup(
            email="layla@example.net",
            language="ar",
            list_ids=[listing.pk],
            source="signup",
        )
        wait_for(
            lambda: (
                "subscribers.tasks.send_confirmation_task" in retried(log_path)
                and owed_to("maria@example.net").error == "ConnectionRefusedError"
            ),
            timeout=60,
            what="both e-mails to be tried while the server is down",
        )
        maria = owed_to("maria@example.net")
        assert (maria.status, maria.attempts) == ("queued", 0), "waits, uncounted"
        assert not sink.envelopes
        sink.start()
        try:
            dispatch_guest_mail()  # what beat does every minute: wake the sender
            wait_for(
                lambda: len(sink.envelopes) >= 2,
                timeout=90,
                what="both e-mails once the server is back",
            )
            record_rsvp(
                event_id=event.pk, name="Gone", email="gone@example.net", language="en"
            )
            wait_for(
                lambda: owed_to("gone@example.net").status == "failed",
                timeout=60,
                what="the refused address's attempt",
            )
            # The next beat finds nothing waiting: a refusal for good is final.
            assert dispatch_guest_mail()["waiting"] == 0
        finally:
            sink.stop()
    log = log_path.read_text()

    assert sorted(recipients[0] for recipients, _raw in sink.envelopes) == [
        "layla@example.net",
        "maria@example.net",
    ]
    gone = owed_to("gone@example.net")
    assert (gone.attempts, gone.error) == (1, "SMTPRecipientsRefused")
    assert owed_to("maria@example.net").status == "sent"
    assert "@example.net" not in log, "logs carry ids, never addresses"
