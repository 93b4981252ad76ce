"""Structured logs and optional error reporting to Sentry, both without personal data.

Log lines are JSON objects (LOG_FORMAT=json, production's default) so a collector can
index them. Sentry gets no request bodies, cookies, client addresses, local variables
or e-mail addresses: the SDK's own PII switches are off, its scrubber knows our field
names, and a last pass replaces anything shaped like an address or a token.
"""

import json
import logging
import re
from datetime import UTC, datetime

from cms.accesslog import RedactingFormatter, redact

# Attributes every LogRecord has; anything else came in through ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()
) | {"message", "asctime", "taskName"}
# Linear in the text's length: the local part is tried only from the start of a run
# (the lookbehind) and never given back (possessive); without both, a long run without
# "@" was looked through once per character of it.
EMAIL = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]++@[\w-]++(?:\.[\w-]++)+"
)
# Signed links carry bearer tokens in their path (unsubscribe, preferences, confirm).
_LONG_SEGMENT = re.compile(r"/[^/?#]{24,}")
SCRUBBED_FIELDS = [
    "email",
    "e_mail",
    "address",
    "name",
    "first_name",
    "last_name",
    "zip_code",
    "token",
    "signature",
    "recipient",
    "to",
]


class JsonFormatter(RedactingFormatter):
    """One JSON object per record: time, level, logger, message, and simple extras;
    link tokens and addresses redacted like every log line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_"):
                continue
            # Only plain values: a request or model instance would drag data along.
            if isinstance(value, str | int | float | bool) or value is None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))


def scrub(value):
    """``value`` with e-mail addresses replaced, recursively through dicts and lists."""
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: no addresses anywhere, no tokens or query in the URL."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
        request.pop("cookies", None)
        request.pop("data", None)
        if isinstance(request.get("url"), str):
            request["url"] = _LONG_SEGMENT.sub("/[Filtered]", request["url"])
    event.pop("user", None)
    return scrub(event)


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return scrub(crumb)


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start the Sentry SDK for Django and Celery with personal data kept out."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import (
        DEFAULT_DENYLIST,
        DEFAULT_PII_DENYLIST,
        EventScrubber,
    )

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, *DEFAULT_PII_DENYLIST, *SCRUBBED_FIELDS],
            recursive=True,
        ),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


class OneLineClientError(logging.Filter):
    """django.request: an answer in the 400s (bad input, a refused request) is one line
    at its own level; only server errors keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True


class OneLineWarning(logging.Filter):
    """Log the record as a WARNING without its traceback (expected refusals)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# celery.beat's line for an entry it could not queue (celery/beat.py, apply_entry): the
# error, then beat's own call stack, with the traceback as well.
BEAT_SEND_ERROR = "Message Error: %s\n%s"


class OneLineBeatSendError(logging.Filter):
    """celery.beat: a due task it could not queue (the broker down) is one line, the
    task and the error, still an ERROR. The stack Celery adds is beat's own loop, the
    same every time; during a Redis outage each entry due every few seconds wrote one
    of ~11 kB (~20 MB an hour)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == BEAT_SEND_ERROR and isinstance(record.args, tuple):
            record.msg, record.args = "Message Error: %s", record.args[:1]
            record.exc_info = record.exc_text = None
        return True
