"""Every benchmark still runs: each script in bench/ in its ``--smoke`` mode (tiny
sizes, seconds, nothing recorded), as a subprocess, exit 0 and output that makes sense.

The SQLite ones run in both worlds (in the services world with the Redis they are
given, under keys of their own); the ones that recreate a PostgreSQL database get a
throwaway one next to the test database, dropped after. Without wrk on the machine
the HTTP ones load their server from Python threads instead of skipping.
"""

import os
import re
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "RESULTS.md"


def run_smoke(script: str, *args: str, env: dict[str, str], timeout: int = 600) -> str:
    results_before = RESULTS.read_bytes()
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--smoke", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output[-4000:]
    assert RESULTS.read_bytes() == results_before, "a smoke run recorded figures"
    return finished.stdout


def sqlite_env() -> dict[str, str]:
    """The scripts that build a throwaway SQLite site: never the test's database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres_env():
    """BENCH_DATABASE_URL: a database next to the test database (the script recreates
    it; dropped after), and the services' Redis (the script keeps keys of its own)."""
    import psycopg

    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"{settings.DATABASES['default']['NAME']}_bench_smoke"
    env = dict(os.environ)
    env.update(
        BENCH_DATABASE_URL=parts._replace(path=f"/{name}").geturl(),
        BENCH_REDIS_URL=settings.REDIS_URL,
        REDIS_URL=settings.REDIS_URL,
        BENCH_PORT=str(free_port()),
    )
    yield env
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_render_benchmark_reports_email_and_page_figures():
    out = run_smoke("bench_render.py", env=sqlite_env())
    for row in ("| en |", "| pl |", "| bulletin |", "| event |", "| listing |"):
        assert row in out, out
    assert "load average" in out


def test_import_benchmark_imports_its_rows():
    out = run_smoke("bench_import.py", env=sqlite_env())
    assert "300 rows on sqlite" in out, out


def test_pages_benchmark_serves_the_pages_over_http():
    out = run_smoke("bench_pages.py", env=sqlite_env())
    assert "| bulletin | uncached |" in out, out
    assert "| event | uncached |" in out, out
    if settings.REDIS_URL:
        assert "| bulletin | cached |" in out, out
        assert "unpublish then GET: 404" in out, out


@pytest.mark.postgres
@pytest.mark.redis
def test_pages_storm_benchmark_mixes_rsvps_into_the_gets(postgres_env):
    out = run_smoke("bench_pages.py", "--storm", env=postgres_env)
    assert "| GETs only |" in out, out
    assert "RSVP POSTs |" in out, out
    assert "20 RSVPs stored before the runs" in out, out
    assert_every_accepted_rsvp_stored(out)


def assert_every_accepted_rsvp_stored(out: str) -> None:
    sent, accepted, stored = map(
        int, re.search(r"(\d+) sent, (\d+) accepted, (\d+) stored", out).groups()
    )
    assert accepted > 0, out
    # Every accepted RSVP is stored; wrk may stop with a few sent and not yet answered.
    assert accepted <= stored <= sent, out


@pytest.mark.postgres
@pytest.mark.redis
def test_storm_floor_stores_its_rsvps_beside_the_sites_gets(postgres_env):
    """--floor: the RSVPs go to the floor's view (its own table), the GETs to the site."""
    out = run_smoke("bench_pages.py", "--storm", "--floor", env=postgres_env)
    assert "RSVPs to the floor view (bench/storm_floor.py)" in out, out
    assert "| GETs only |" in out, out
    assert_every_accepted_rsvp_stored(out)


@pytest.mark.postgres
@pytest.mark.redis
def test_storm_instruction_counts_cover_gets_and_rsvps(postgres_env):
    """Under callgrind: both cached GETs, the thank-you page and the RSVP counted, the
    RSVP dearer."""
    out = run_smoke(
        "bench_pages.py", "--storm", "--instructions", "5", env=postgres_env
    )
    counts = [
        float(value) for value in re.findall(r"INSTRUCTIONS [\w -]+?: ([\d.]+) M", out)
    ]
    assert len(counts) == 4, out
    page, fragment, thanks, rsvp = counts
    assert rsvp > page > 0, out
    assert rsvp > fragment > 0, out
    assert rsvp > thanks > 0, out
    assert re.search(r"allow \d+% of the GET-only rate", out), out


def test_login_flood_benchmark_measures_both_caps():
    out = run_smoke("bench_login_flood.py", env=sqlite_env())
    assert "| 0 |" in out, out
    assert "| 1 |" in out, out


@pytest.mark.postgres
@pytest.mark.redis
def test_petition_benchmark_signs_and_counts_exactly(postgres_env):
    out = run_smoke("bench_petition.py", "--floor", env=postgres_env)
    assert "signatures/s" in out, out
    assert "(exact)" in out, out
    # The floor views pass the petition page's CSRF token: no 403 among their answers.
    for step in ("bump", "csrf", "sign", "stack", "petition"):
        assert re.search(rf"FLOOR {step}: [1-9]\d*/s .* 0 HTTP errors", out), out


@pytest.mark.postgres
@pytest.mark.redis
def test_petition_instruction_counts_cover_the_four_views(postgres_env):
    """Under callgrind (valgrind, a Debian package like wrk): every view signed and
    counted, and the petition costs more than the floor it is measured against; with
    --repeat, the petition signed again by addresses that signed is counted too."""
    out = run_smoke(
        "bench_petition.py", "--instructions", "10", "--repeat", env=postgres_env
    )
    counts = {
        name: float(value)
        for name, value in re.findall(r"INSTRUCTIONS (\w+): ([\d.]+) M", out)
    }
    assert set(counts) == {"petition", "stack", "floor", "bare"}, out
    assert counts["petition"] > counts["stack"] > counts["floor"] > counts["bare"] > 0
    repeat = float(re.search(r"INSTRUCTIONS petition \(repeat\): ([\d.]+) M", out)[1])
    assert repeat > counts["floor"], out


@pytest.mark.postgres
@pytest.mark.redis
def test_webhooks_benchmark_runs_its_three_phases(postgres_env):
    out = run_smoke("bench_webhooks.py", env=postgres_env)
    for phase in ("no endpoint:", "live receiver:", "dead receiver:"):
        assert phase in out, out
    assert "(exact)" in out, out


@pytest.mark.postgres
@pytest.mark.redis
def test_send_benchmark_sends_a_mailing(postgres_env):
    out = run_smoke("bench_send.py", env=postgres_env)
    assert "| http |" in out, out
    assert "msg/s" in out, out
    assert re.search(r"sender CPU \d+\.\d+ ms/msg", out), out


@pytest.mark.postgres
@pytest.mark.redis
def test_alert_benchmark_sends_an_alert_under_a_bulletin(postgres_env):
    out = run_smoke("bench_alert.py", env=postgres_env)
    assert "first alert message" in out, out
    assert "| 20 |" in out, out  # the alert's recipients
    assert "- 5 RSVPs just before the alert" in out, out
    assert "| to the first provider call |" in out, out  # bench/alert_first_call.py
