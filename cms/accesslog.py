"""Logs carry no secrets and no people: link tokens, addresses and client IPs are
replaced before a line is written.

A preferences, unsubscribe, confirmation, verification, RSVP-cancel or RSVP-confirm
link is a key
to someone's data or choices; access logs keep them for months in places many people
can read.
``redact`` turns ``/subscribers/preferences/123.20400.AbC.../`` into
``/subscribers/preferences/<token>/`` and ``/search/?q=asylum`` into
``/search/?q=<query>`` (also in Referer headers, which carry the link
to the page's own static files). Used by Django's logging (the ``redact`` filter on
every handler) and by gunicorn's access log (``cms/gunicorn_conf.py``).
"""

import logging
import re
import time
from datetime import UTC, datetime

from gunicorn.glogging import Logger

TOKEN_PATHS = re.compile(
    r"(/(?:subscribers/(?:confirm|unsubscribe|preferences)|petitions/verify"
    r"|rsvp/(?:cancel|confirm))/)"  # an event page's sub-route: /<lang>/events/<slug>/rsvp/...
    r"[^/?#\s\"']+"
    # A staff password-reset link: /admin/password_reset/confirm/<uid>/<token>/ sets
    # a staff member's password for days; both segments go.
    r"|(/password_reset/confirm/)[^?#\s\"']+"
)
# What someone searched for ("asylum", a name, a phone number), on the public search
# and in the admin's listings alike: the words are theirs, not the log's.
SEARCH_QUERIES = re.compile(r"([?&](?:q|query|search)=)[^&#\s\"']*")
# An address is looked for inside each run of characters that can be part of one (a
# "word" between the separators of URLs, headers and log lines): a single pattern for
# the address (local part, "@" or "%40", domain with a dot) backtracks cubically
# over a long run of "a@a@a@...", 19 s of a worker's time for one 4,000-byte URL.
# JSON lines escape a line break or tab as "\n", "\t": those separate as the characters
# themselves do, or "celery@vm." would be glued to the next line's first word and look
# like an address. Any other backslash (an escaped one among them) stays in the word.
WORD = re.compile(r"\\[nrt]|(?:[^\s/?&=\"'<>\\]|\\\\|\\(?![nrt]))+")
# The user part of a URL whose password kombu masked ("ona:**@", ":**@"), as in a
# Celery worker's "Connected to redis://:**@redis.internal:6379/0": what follows is a
# host, not an address's domain. A user part holding "@" or "%" (an address, encoded
# or not) is not this.
MASKED_USERINFO = re.compile(r"[^@%:]*:\*\*@")
# Request headers and environ keys that carry a client's address.
ADDRESS_ATOMS = {
    "{x-forwarded-for}i",
    "{x-real-ip}i",
    "{forwarded}i",
    "{cf-connecting-ip}i",
    "{remote_addr}e",
    "{http_x_forwarded_for}e",
    "{http_x_real_ip}e",
    "{http_forwarded}e",
    "{http_cf_connecting_ip}e",
}


def redact(text: str) -> str:
    """``text`` with link tokens, search words and e-mail addresses replaced by
    placeholders."""
    text = SEARCH_QUERIES.sub(r"\1<query>", TOKEN_PATHS.sub(_token_placeholder, text))
    return WORD.sub(_redact_address, text)


def _token_placeholder(path: re.Match) -> str:
    return (path.group(1) or path.group(2)) + "<token>"


def _redact_address(word: re.Match) -> str:
    """The whole word if it holds an address: something, "@" (or "%40" in a URL),
    something, a dot, something; after a masked user part (``MASKED_USERINFO``), the
    rest of the word if that holds one."""
    text = word.group()
    userinfo = MASKED_USERINFO.match(text)
    kept = userinfo.group() if userinfo else ""
    rest = text[len(kept) :]
    return kept + ("<address>" if _holds_address(rest) else rest)


def _holds_address(text: str) -> bool:
    at = [i for i in (text.find("@", 1), text.find("%40", 1)) if i != -1]
    if not at:
        return False
    start = min(at)
    domain = start + (1 if text[start] == "@" else 3)
    return text.find(".", domain + 1, len(text) - 1) != -1


class RedactingFormatter(logging.Formatter):
    """A log formatter whose lines carry no link tokens or addresses (see ``redact``).

    It redacts what it writes, never the record itself: other handlers (Sentry's,
    which scrubs on its own) still see the record as it was logged.
    """

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    # UTC with its offset, in every process: Django sets a process's TZ to TIME_ZONE
    # once it loads its settings, so local time said -06:00 in gunicorn's workers,
    # Celery and runserver, and the machine's zone in gunicorn's master (a bare
    # "10:03:19" on a UTC server had left operators guessing which clock it was).
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):
        if datefmt:
            return super().formatTime(record, datefmt)
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(sep=" ", timespec="milliseconds")


def _client(environ) -> str:
    try:
        from cms.ratelimit import client_log_id

        return client_log_id(environ)
    except Exception:  # noqa: BLE001 (Django not set up: say nothing)
        return "-"


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, writing access lines without tokens, addresses or IPs, and
    every line's time in UTC (``[2026-12-07 13:16:55 +0000]``): gunicorn writes local
    time, which was the machine's zone in the master and TIME_ZONE's (-0600) in the
    workers, whose Django settings set it."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False) and handler.formatter:
                    handler.formatter.converter = time.gmtime

    def now(self):
        """The access line's time (``%(t)s``), in UTC."""
        return time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.gmtime())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if key in ADDRESS_ATOMS:
                atoms[key] = "-"
            elif isinstance(value, str):
                atoms[key] = redact(value)
        atoms["h"] = _client(environ)
        return atoms
