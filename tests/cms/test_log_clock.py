"""Every log line's time is UTC, whichever process wrote it.

Django sets a process's TZ to TIME_ZONE when it loads its settings: gunicorn's master
(which never loads them) wrote its lines in the machine's zone, its workers in
America/Chicago's (``[2026-12-07 07:16:55 -0600] [13783] [INFO] Worker exiting``),
interleaved in one stream (an operator's finding).
"""

import logging
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cms.accesslog import RedactingFormatter
from tests.cms.test_settings import ROOT, _free_port, production_env
from tests.workers import wait_for

GUNICORN_TIME = re.compile(
    r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ([+-]\d{4})\] \[(\d+)\]"
)
ACCESS_TIME = re.compile(r"\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d) ([+-]\d{4})\]")
PLAIN_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00:00) [A-Z]+ ")


def test_gunicorn_master_workers_and_django_all_write_utc(tmp_path):
    port = _free_port()
    env = production_env(
        tmp_path,
        BASE_URL="https://ona.example.org",
        STARTUP_CHECKS="0",
        LOG_FORMAT="plain",
        # The machine's zone is neither UTC nor TIME_ZONE's: the master used it.
        TZ="Europe/Warsaw",
    )
    started = datetime.now(UTC).replace(microsecond=0)
    out, err = tmp_path / "gunicorn.out", tmp_path / "gunicorn.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "python:cms.gunicorn_conf",
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:

        def answers():
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health/live/", timeout=5
                ) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(answers, timeout=90, what="gunicorn to answer", interval=0.3)
        # A host we do not serve: Django (in the worker) logs one WARNING line.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Host": "scanner.example"}
        )
        try:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 (http)
        except OSError:
            pass
        wait_for(lambda: b"DisallowedHost" in err.read_bytes(), timeout=10, what="log")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    ended = datetime.now(UTC)

    def within_run(moment: datetime) -> bool:
        return started.timestamp() - 1 <= moment.timestamp() <= ended.timestamp() + 1

    error_lines = err.read_text().splitlines()
    gunicorn_lines = [GUNICORN_TIME.match(line) for line in error_lines]
    gunicorn_lines = [match for match in gunicorn_lines if match]
    pids = {match.group(3) for match in gunicorn_lines}
    assert len(pids) >= 2, error_lines  # the master's lines and the worker's
    assert any("Worker exiting" in line for line in error_lines), error_lines
    for match in gunicorn_lines:
        assert match.group(2) == "+0000", error_lines
        moment = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
        assert within_run(moment.replace(tzinfo=UTC)), error_lines

    access_lines = [line for line in out.read_text().splitlines() if "/health/" in line]
    assert access_lines
    for access in access_lines:
        stamp, offset = ACCESS_TIME.search(access).groups()
        assert offset == "+0000", access
        moment = datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S").replace(tzinfo=UTC)
        assert within_run(moment), access

    django_lines = [line for line in error_lines if re.match(r"\d{4}-", line)]
    assert any("WARNING django.security.DisallowedHost" in x for x in django_lines)
    for line in django_lines:
        moment = datetime.fromisoformat(PLAIN_TIME.match(line).group(1))
        assert within_run(moment), line


def test_a_plain_log_line_is_in_utc_even_in_the_sites_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        formatter = RedactingFormatter("%(asctime)s %(message)s")
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", (), None)
        record.created = 1_764_950_599.996  # 2025-12-05 16:03:19.996 UTC
        assert formatter.format(record) == "2025-12-05 16:03:19.996+00:00 hi"
        dated = RedactingFormatter("%(asctime)s %(message)s", "%H:%M %z")
        assert dated.format(record) == "16:03 +0000 hi"
    finally:
        monkeypatch.undo()
        time.tzset()
