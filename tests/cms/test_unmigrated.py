"""A site whose database was never migrated says so, without a traceback."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.db import DatabaseError

from cms import unmigrated
from tests.cms.test_settings import ROOT

REQUEST = """
import django, json
django.setup()
from django.test import Client
answers = {}
for host in ("localhost", "127.0.0.1"):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="es")
    answers[host] = [response.status_code, response.content.decode(),
                     response.headers.get("Retry-After")]
print("ANSWERS " + json.dumps(answers))
"""


def answers_of(tmp_path, database_url: str, *, path: str = "/"):
    """REQUEST's answers by host, and its log, from a process started on the given
    database with the development settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=database_url,
    )
    result = subprocess.run(
        [sys.executable, "-c", REQUEST.replace('get("/"', f'get("{path}"')],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("ANSWERS "))
    return json.loads(line.removeprefix("ANSWERS ")), result.stderr


def test_an_unmigrated_database_answers_503_with_what_to_do(tmp_path):
    """`runserver` (or gunicorn) started before `manage.py migrate`, or on a fresh
    database: every page was a 500 with "OperationalError: no such table:
    wagtailcore_site" and forty lines of traceback in the log (Django's yellow debug
    page in development). It is a 503 now, telling the reader to come back and the
    operator (log line, and the page with DEBUG) to run migrate."""
    answers, log = answers_of(tmp_path, f"sqlite:///{tmp_path}/fresh.sqlite3")
    for status, body, retry_after in answers.values():
        assert status == 503, body[:300]
        assert retry_after
        assert "manage.py migrate" in body  # DEBUG on: the operator is reading
        assert "Traceback" not in body
    assert "Traceback" not in log, log
    assert "The database is not migrated" in log, log
    assert "run `manage.py migrate`" in log, log


@pytest.mark.django_db
def test_a_migrated_database_is_asked_once_per_process(rf, monkeypatch):
    """A database error on a migrated site stays the 500 it was, and once the
    process has seen the database migrated no later error rebuilds the migration
    plan (a crowd's timeouts would each have paid for it)."""
    monkeypatch.setattr(unmigrated, "_seen_migrated", False)
    middleware = unmigrated.UnmigratedDatabaseMiddleware(lambda request: None)

    assert middleware.process_exception(rf.get("/"), DatabaseError("timeout")) is None
    assert unmigrated._seen_migrated is True

    def asked_again():
        raise AssertionError("the migration plan was built again")

    monkeypatch.setattr(unmigrated, "unapplied_migrations", asked_again)
    assert middleware.process_exception(rf.get("/"), DatabaseError("timeout")) is None


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: a database server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_cannot_be_reached_answers_503_in_the_readers_language(
    tmp_path,
):
    """PostgreSQL down or restarting (a crash, an upgrade, a full disk): every page not
    in the page cache was a 500, "Something went wrong on our side", with a traceback
    logged per request, and proxies and browsers were told nothing about coming back.
    It is a 503 with Retry-After in the reader's language, and the log says why in one
    line per request (besides Django's own "Service Unavailable" line)."""
    # The Spanish front page, whose language the address gives.
    answers, log = answers_of(
        tmp_path, f"postgres://postgres@127.0.0.1:{closed_port()}/down", path="/es/"
    )
    for status, body, retry_after in answers.values():
        assert status == 503, body[:300]
        assert retry_after
        assert 'lang="es"' in body
        assert "Vuelva a intentarlo en unos minutos." in body
        assert "Traceback" not in body
        assert "manage.py migrate" not in body  # migrations are not the trouble
    assert "Traceback" not in log, log
    reasons = [x for x in log.splitlines() if "The database cannot be reached" in x]
    assert len(reasons) == len(answers), log
    assert all("127.0.0.1" in x for x in reasons), log  # which server, one line


@pytest.mark.parametrize("path", ["/media/images/missing.jpg", "/static/missing.css"])
def test_a_missing_file_stays_a_404_while_the_database_cannot_be_reached(
    tmp_path, path
):
    """A 404 made outside the page tree (a missing image or stylesheet) goes through
    Wagtail's redirect lookup, which asks the database: with PostgreSQL down it was a
    500 and a traceback per request. A redirect that cannot be looked up is not found:
    the 404 stands, with one line in the log saying why no redirect was looked up."""
    answers, log = answers_of(
        tmp_path, f"postgres://postgres@127.0.0.1:{closed_port()}/down", path=path
    )
    for status, body, _retry_after in answers.values():
        assert status == 404, body[:300]
    assert "Traceback" not in log, log
    reasons = [x for x in log.splitlines() if "No redirect looked up" in x]
    assert len(reasons) == len(answers), log
    assert all(path in x and "127.0.0.1" in x for x in reasons), log


def test_a_missing_file_stays_a_404_on_a_database_never_migrated(tmp_path):
    """The same before `manage.py migrate`: no redirects table, the 404 stands."""
    answers, log = answers_of(
        tmp_path, f"sqlite:///{tmp_path}/fresh.sqlite3", path="/media/missing.pdf"
    )
    for status, body, _retry_after in answers.values():
        assert status == 404, body[:300]
    assert "Traceback" not in log, log
