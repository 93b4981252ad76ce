"""Structured logs, and error reports to Sentry without personal data: the real SDK
posts to a loopback server speaking Sentry's envelope endpoint."""

import gzip
import json
import logging
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from celery.app.control import W_DUPNODE
from kombu import Connection

from cms.accesslog import RedactingFormatter
from cms.observability import JsonFormatter, scrub_event
from tests.cms.test_settings import ROOT, production_env


class SentryIngest:
    """Loopback stand-in for Sentry's ingest API: stores every envelope it gets."""

    def __init__(self):
        self.envelopes: list[list[dict]] = []
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                items = [json.loads(line) for line in body.splitlines() if line.strip()]
                ingest.envelopes.append(items)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/42"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


REPORTER = """
import logging, django
django.setup()
import sentry_sdk

def send_to(email, name):
    token = "t0k3n-abcdefghijklmnopqrstuvwxyz"
    raise ValueError(f"relay refused {email}")

logging.getLogger("campaigns").warning("retrying mail to ana@example.org")
try:
    send_to("ana@example.org", "Ana Pérez")
except ValueError:
    sentry_sdk.capture_exception()
logging.getLogger("campaigns").error("could not reach li@example.org")
sentry_sdk.flush(timeout=10)
"""


def test_sentry_reports_errors_without_personal_data(tmp_path):
    with SentryIngest() as ingest:
        result = subprocess.run(
            [sys.executable, "-c", REPORTER],
            cwd=ROOT,
            env=production_env(
                tmp_path,
                BASE_URL="https://ona.example.org",
                SENTRY_DSN=ingest.dsn,
                SENTRY_ENVIRONMENT="test",
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    events = [
        item
        for envelope in ingest.envelopes
        for item in envelope
        if isinstance(item, dict) and ("exception" in item or "logentry" in item)
    ]
    assert len(events) >= 2, ingest.envelopes
    sent = json.dumps(ingest.envelopes)
    assert "ValueError" in sent
    assert "relay refused [email]" in sent
    assert "could not reach [email]" in sent
    for secret in ("example.org", "Ana P", "t0k3n", "127.0.0.1"):
        assert secret not in sent.replace(ingest.dsn, ""), secret
    assert '"vars"' not in sent, "local variables stay in the process"
    assert all(event.get("environment") == "test" for event in events)


def test_scrubbing_drops_tokens_query_and_cookies_from_requests():
    event = {
        "request": {
            "url": "https://ona.example.org/subscribers/unsubscribe/eyJzIjo0Mn0:1tAbc:xyzSignature123/",
            "query_string": "email=ana@example.org",
            "cookies": {"sessionid": "secret"},
            "data": {"email": "ana@example.org"},
        },
        "user": {"ip_address": "203.0.113.9"},
        "message": "signup from ana@example.org",
    }
    scrubbed = scrub_event(event)
    assert scrubbed["request"] == {
        "url": "https://ona.example.org/subscribers/unsubscribe/[Filtered]/"
    }
    assert "user" not in scrubbed
    assert scrubbed["message"] == "signup from [email]"


def test_json_log_lines():
    formatter = JsonFormatter()
    record = logging.LogRecord(
        "campaigns.mailings",
        logging.WARNING,
        __file__,
        1,
        "mailing %s paused",
        (7,),
        None,
    )
    record.mailing_id = 7
    record.request = object()  # not a plain value: left out
    line = json.loads(formatter.format(record))
    assert line["message"] == "mailing 7 paused"
    assert line["level"] == "WARNING"
    assert line["logger"] == "campaigns.mailings"
    assert line["mailing_id"] == 7
    assert "request" not in line
    assert line["time"].endswith("+00:00")

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "cms", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    assert "RuntimeError: boom" in json.loads(formatter.format(record))["exception"]


def test_json_log_lines_keep_celery_node_names_but_no_addresses():
    # Two workers under one name: Celery's warning names the nodes on a line of its
    # own, and JSON writes that line break as "\n" right after the last name.
    warning = W_DUPNODE.format("names", "celery@vm, worker1@host")
    record = logging.LogRecord(
        "py.warnings", logging.WARNING, __file__, 1, warning, (), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == warning

    for text in (
        "bounce for ana@example.org.\nretrying",
        "bounce:\nana@example.org\nretrying",
        "bounce:\tana.maria+news@mail.example.co.uk.",
    ):
        record = logging.LogRecord("cms", logging.INFO, __file__, 1, text, (), None)
        written = JsonFormatter().format(record)
        assert "example" not in written, written
        assert "<address>" in json.loads(written)["message"]


def test_the_workers_broker_line_shows_where_it_connects_but_no_password():
    # Celery's worker logs "Connected to <broker>" with kombu's own rendering of the
    # broker URL (the password masked as "**"). The masked user part and the host,
    # "ona:**@redis.internal:6379", have the shape of an address: the line said
    # "cms.broker:Transport://<address>/11", so an operator could not see which
    # Redis a worker was on.
    formatters = (RedactingFormatter(), JsonFormatter())
    for url, shown in (
        ("redis://:s3cret@redis.internal:6379/11", ":**@redis.internal:6379/11"),
        ("redis://ona:s3cret@redis.internal:6379/11", "ona:**@redis.internal:6379/11"),
        ("rediss://ona:s3cret@10.0.0.7:6380/2", "ona:**@10.0.0.7:6380/2"),
    ):
        uri = Connection(url, transport="cms.broker:Transport").as_uri()
        record = logging.LogRecord(
            "celery.worker.consumer.connection",
            logging.INFO,
            __file__,
            1,
            "Connected to %s",
            (uri,),
            None,
        )
        for formatter in formatters:
            written = formatter.format(record)
            assert "s3cret" not in written, written
            assert shown in written, written
            assert "<address>" not in written, written

    # An address in the user part, or after the host, is still an address.
    for text in (
        "redis://ana%40example.org:**@redis.internal:6379/0",
        "redis://ana@example.org:**@redis.internal:6379/0",
        "redis://:**@ana@example.org:6379/0",
        "redis://:**@redis.internal:6379/0 for ana@example.org",
    ):
        for formatter in formatters:
            record = logging.LogRecord("cms", logging.INFO, __file__, 1, text, (), None)
            written = formatter.format(record)
            assert "example" not in written, written


def test_production_logs_one_json_object_per_line(tmp_path):
    script = (
        "import logging, django; django.setup(); "
        "logging.getLogger('campaigns').warning('mailing %s paused', 4, "
        "extra={'mailing_id': 4})"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path, BASE_URL="https://ona.example.org"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line]
    (entry,) = [line for line in lines if line["logger"] == "campaigns"]
    assert entry["message"] == "mailing 4 paused"
    assert entry["mailing_id"] == 4


def test_beat_sending_into_a_redis_outage_logs_one_short_line(caplog):
    """The operator's Redis restart: beat logged every due task it could not queue
    (the webhook sweep every 2 s, the upkeep every 15 s ...) as an ERROR carrying its
    own call stack twice, 11.5 kB a line: an hour's outage would write ~20 MB. The line
    now names the task and the error only."""
    import logging

    from celery import Celery
    from celery.beat import ScheduleEntry, Scheduler

    from tests.smtp_sink import free_port

    app = Celery(
        "outage", broker=f"redis://127.0.0.1:{free_port()}/0", set_as_current=False
    )  # nothing listens there
    app.conf.task_publish_retry = False
    app.conf.broker_connection_retry = False
    scheduler = Scheduler(app=app, lazy=True)
    entry = ScheduleEntry(
        name="partners-send-due-webhooks",
        task="cms.partners.tasks.send_due_webhooks_task",
        schedule=2.0,
        app=app,
    )
    with caplog.at_level(logging.INFO, logger="celery.beat"):
        scheduler.apply_entry(entry)
    (record,) = [r for r in caplog.records if r.name == "celery.beat"]
    line = record.getMessage()
    assert line.startswith(
        "Message Error: Couldn't apply scheduled task partners-send-due-webhooks: "
    ), line
    assert "\n" not in line, line
    assert "File " not in line, line
    assert record.exc_info is None
    assert not record.exc_text
    assert len(line) < 300, len(line)
