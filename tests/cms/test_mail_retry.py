"""One person's e-mail (an RSVP confirmation, a signup confirmation) survives a mail
server that is down: a real worker retries until the server is back. An address the
server refuses for good is not retried."""

import re
import time

import pytest
from django.conf import settings

from events.services import record_rsvp
from subscribers.services import request_signup
from tests.factories import MailingListFactory, build_event
from tests.smtp_sink import SmtpSink, free_port
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

RETRY = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] retry: Retry in")


def retried(log_path) -> set[str]:
    return {match[1] for match in RETRY.finditer(log_path.read_text())}


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
    with celery_worker(env=env, queues=[private_queue], log_path=log_path):
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
                retried(log_path)
                >= {
                    "events.tasks.send_rsvp_confirmation_task",
                    "subscribers.tasks.send_confirmation_task",
                }
            ),
            timeout=60,
            what="both e-mails to be retried while the server is down",
        )
        assert not sink.envelopes
        sink.start()
        try:
            wait_for(
                lambda: len(sink.envelopes) >= 2,
                timeout=90,
                what="both e-mails once the server is back",
            )
            record_rsvp(
                event_id=event.pk, name="Gone", email="gone@example.net", language="en"
            )
            wait_for(
                lambda: "SMTPRecipientsRefused" in log_path.read_text(),
                timeout=60,
                what="the refused address's attempt",
            )
            time.sleep(3)  # longer than a first retry's longest wait (1 s)
        finally:
            sink.stop()
    log = log_path.read_text()

    assert sorted(recipients[0] for recipients, _raw in sink.envelopes) == [
        "layla@example.net",
        "maria@example.net",
    ]
    refused_ids = re.findall(
        r"Task events\.tasks\.send_rsvp_confirmation_task\[([0-9a-f-]+)\] raised "
        r"unexpected: SMTPRecipientsRefused",
        log,
    )
    assert len(refused_ids) == 1
    assert f"[{refused_ids[0]}] retry" not in log, "a refusal for good is final"
    assert log.count(f"[{refused_ids[0]}] received") == 1
    assert "@example.net" not in log, "logs carry ids, never addresses"
