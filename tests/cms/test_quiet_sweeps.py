"""The beat's frequent sweeps leave no INFO lines; real work and failures still do;
and a plain line's time says its zone."""

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from celery import beat
from celery.app import trace
from django.conf import settings

from cms.accesslog import RedactingFormatter
from cms.quiet_sweeps import routine_sweeps

WEBHOOK_SWEEP = "cms.partners.tasks.send_due_webhooks_task"
MAILING_SWEEP = "campaigns.mailings.tasks.dispatch_due_mailings_task"
SEND_BATCH = "campaigns.mailings.tasks.send_batch_task"


def celery_log(logger: str, message: str, task: str, level: int = logging.INFO):
    """A line as Celery's worker writes it: the message's fields in one dict."""
    context = {
        "id": "0f1e",
        "name": task,
        "runtime": 0.004,
        "return_value": None,
        "description": "raised unexpected",
        "exc": "OperationalError()",
    }
    logging.getLogger(logger).log(level, message, context)


def test_the_sweeps_beat_runs_every_few_seconds_are_routine_and_purges_are_not():
    routine = routine_sweeps(settings.CELERY_BEAT_SCHEDULE)
    assert {WEBHOOK_SWEEP, MAILING_SWEEP, "cms.tasks.beat_heartbeat_task"} <= routine
    assert "cms.tasks.purge_expired_records_task" not in routine
    assert "subscribers.tasks.purge_unconfirmed_task" not in routine


def test_a_routine_sweep_logs_nothing_at_info_but_work_and_failures_do(caplog):
    caplog.set_level(logging.INFO)
    celery_log("celery.worker.strategy", trace.LOG_RECEIVED, WEBHOOK_SWEEP)
    celery_log("celery.app.trace", trace.LOG_SUCCESS, WEBHOOK_SWEEP)
    celery_log("celery.app.trace", trace.LOG_SUCCESS, MAILING_SWEEP)
    celery_log("celery.worker.strategy", trace.LOG_RECEIVED, SEND_BATCH)
    celery_log("celery.app.trace", trace.LOG_SUCCESS, SEND_BATCH)
    celery_log(
        "celery.app.trace", trace.LOG_FAILURE, WEBHOOK_SWEEP, level=logging.ERROR
    )
    lines = [record.getMessage() for record in caplog.records]
    assert [line.split("[")[0] for line in lines] == [
        f"Task {SEND_BATCH}",
        f"Task {SEND_BATCH}",
        f"Task {WEBHOOK_SWEEP}",
    ]
    assert "received" in lines[0]
    assert "succeeded" in lines[1]
    assert caplog.records[2].levelno == logging.ERROR


def test_beat_sends_the_routine_sweeps_without_a_line_and_the_rest_with_one(caplog):
    # celery.beat's own message (Scheduler.apply_entry): every 2 seconds for the
    # webhook sweep, 44 lines in the first four minutes of `make run`.
    caplog.set_level(logging.INFO)
    message = "Scheduler: Sending due task %s (%s)"
    assert message in Path(beat.__file__).read_text()
    purge = "cms.tasks.purge_expired_records_task"
    for entry, task in (
        ("partners-send-due-webhooks", WEBHOOK_SWEEP),
        ("dispatch-due-mailings", MAILING_SWEEP),
        ("cms-purge-expired-records", purge),
    ):
        logging.getLogger("celery.beat").info(message, entry, task)
    assert [record.getMessage() for record in caplog.records] == [
        f"Scheduler: Sending due task cms-purge-expired-records ({purge})"
    ]


def test_log_routine_sweeps_shows_every_run_again(caplog, settings):
    settings.LOG_ROUTINE_SWEEPS = True
    caplog.set_level(logging.INFO)
    celery_log("celery.app.trace", trace.LOG_SUCCESS, WEBHOOK_SWEEP)
    assert [record.getMessage().split("[")[0] for record in caplog.records] == [
        f"Task {WEBHOOK_SWEEP}"
    ]


def test_a_sweep_that_did_something_keeps_its_line(caplog):
    caplog.set_level(logging.INFO)
    resend = "cms.tasks.resend_unqueued_emails_task"
    for counts in (
        "{'confirmations': 0, 'rsvps': 0}",
        "{'confirmations': 2, 'rsvps': 0}",
    ):
        context = {
            "id": "0f1e",
            "name": resend,
            "runtime": 0.01,
            "return_value": counts,
        }
        logging.getLogger("celery.app.trace").info(trace.LOG_SUCCESS, context)
    assert [record.getMessage() for record in caplog.records] == [
        f"Task {resend}[0f1e] succeeded in 0.01s: {{'confirmations': 2, 'rsvps': 0}}"
    ]


def test_a_plain_log_line_says_which_clock_its_time_is_on():
    # Django sets the process's TZ to TIME_ZONE (America/Chicago here): the console
    # said "10:03:19" on a server whose clock said 16:03 UTC, with nothing to tell.
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    record = logging.LogRecord("celery.beat", logging.INFO, __file__, 1, "hi", (), None)
    record.created = 1_764_950_599.996  # 2025-12-05 16:03:19.996 UTC
    line = formatter.format(record)
    stamp = re.match(r"(\S+ \S+) INFO celery.beat hi$", line).group(1)
    moment = datetime.fromisoformat(stamp)
    assert moment.utcoffset() is not None
    assert moment.astimezone(UTC) == datetime(2025, 12, 5, 16, 3, 19, 996000, UTC)
