"""Petition signatures per second over HTTP: gunicorn (2 workers), PostgreSQL, Redis.

    .venv/bin/python bench/bench_petition.py [--duration 20] [--connections 16]

Needs PostgreSQL and Redis on loopback (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults
below) and wrk (apt-get install wrk). It creates a fresh database, one petition, signs
it with a new address per request, then checks that the counter equals the rows stored,
and appends the figures to bench/RESULTS.md.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._smoke import has_wrk, isolate_keys, python_load  # noqa: E402

PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ona_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
TARGET_RATE, TARGET_P99_MS = 400, 150
SMOKE = False  # --smoke: tiny, nothing recorded, Python load where wrk is missing

SETUP = """
import django; django.setup()
from campaigns.models import Campaign
from tests.factories import build_home_page, build_petition_page
campaign = Campaign.objects.create(name="Bench", slug="bench", goal=100)
page = build_petition_page(build_home_page(), campaign, slug="bench")
print("URL", page.url, page.pk)
"""
CHECK = """
import django; django.setup()
from campaigns.models import Counter, Milestone, Signature
print("COUNT", Counter.objects.get(kind="signatures").value,
      Signature.objects.count(), Milestone.objects.count())
"""


def env() -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="0",
        DATABASE_URL=DATABASE_URL,
        DATABASE_CONN_MAX_AGE="600",
        REDIS_URL=REDIS_URL,
        RATE_LIMIT_PETITION_PER_CLIENT="0",  # every request comes from one loopback address
        RATE_LIMIT_PETITION_PER_ADDRESS="0",
        LOG_LEVEL="WARNING",
        VAR_DIR=tempfile.mkdtemp(prefix="bench-var-"),
        PYTHONPATH=str(ROOT),
    )
    return values


def run(*args: str, **kwargs) -> str:
    return subprocess.run(
        args, cwd=ROOT, env=env(), check=True, capture_output=True, text=True, **kwargs
    ).stdout


def fresh_database() -> None:
    import psycopg
    import redis

    # The cache remembers site ids of the last run's database: start clean (a smoke
    # run has keys of its own instead, on a Redis it shares).
    if not SMOKE:
        redis.Redis.from_url(REDIS_URL).flushdb()

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def csrf(url: str) -> tuple[str, str]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return token, cookie


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 (our http URL)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not come up")


def gunicorn(app: str, threads: int, worker_class: str = "gthread") -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), app, "--bind",
         f"127.0.0.1:{PORT}", "--workers", "2", "--worker-class", worker_class,
         "--threads", str(threads), "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env(),
    )  # fmt: skip


def wrk(url: str, *, connections: int, duration: int, script: str, extra_env=None):
    if SMOKE and not has_wrk():
        return python_wrk(url, connections, duration, script, extra_env or {})
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
         "-s", str(ROOT / "bench" / script), url],
        env={**os.environ, **(extra_env or {})}, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    figures = {
        key: int(value)
        for key, value in re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1])
    }
    figures["rate"] = figures["completed"] / (figures["duration_us"] / 1e6)
    return output, figures


def python_wrk(url, connections, duration, script, extra_env) -> tuple[str, dict]:
    """The Lua scripts' requests from Python threads (smoke runs without wrk)."""
    from urllib.parse import urlencode

    def sign(number: int) -> urllib.request.Request:
        email = f"{extra_env['EMAIL_PREFIX']}-py-{number}@example.org"
        body = urlencode(
            {"csrfmiddlewaretoken": extra_env["CSRF_TOKEN"], "name": "Bench Signer",
             "zip_code": "60608", "website": "", "email": email}
        ).encode()  # fmt: skip
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={extra_env['CSRF_COOKIE']}",
            "Referer": extra_env["REFERER"],
        }
        return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 loopback

    figures = python_load(
        url, duration, connections, sign if script == "petition.lua" else None
    )
    return f"Python load generator (no wrk here): {figures}", figures


def baseline(
    *, threads: int, connections: int, duration: int, worker_class: str
) -> dict:
    """The bare counter view's rate and latency on this machine right now."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, value bigint)"
        )
        connection.execute(
            "INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT (id) DO NOTHING"
        )
    server = gunicorn("bench.bare_counter", threads, worker_class)
    try:
        url = f"http://127.0.0.1:{PORT}/bump/"
        wait_until_up(url)
        _output, figures = wrk(
            url, connections=connections, duration=duration, script="report.lua"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads")
    parser.add_argument(
        "--worker-class", default="gthread", choices=["gthread", "sync"]
    )
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="1 s runs, 4 connections, nothing recorded; Python load without wrk",
    )
    args = parser.parse_args()
    if args.smoke:  # CI's check that this still runs (tests/bench/test_smoke.py)
        global SMOKE
        SMOKE = True
        args.duration, args.connections, args.no_record = 1, 4, True
        isolate_keys()
    elif not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk")
        return 1

    load = os.getloadavg()[0]  # the machine is shared: say how busy it was
    fresh_database()
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    path, page_id = re.search(r"URL (\S+) (\d+)", run(PYTHON, "-c", SETUP)).groups()
    url = f"http://127.0.0.1:{PORT}{path}"
    # The page's form posts to its sign endpoint; so does every wrk request.
    action = f"http://127.0.0.1:{PORT}/petitions/{page_id}/sign/"

    server = gunicorn("cms.wsgi", args.threads, args.worker_class)
    try:
        wait_until_up(url)
        token, cookie = csrf(url)
        output, figures = wrk(
            action,
            connections=args.connections,
            duration=args.duration,
            script="petition.lua",
            extra_env={"CSRF_TOKEN": token, "CSRF_COOKIE": cookie, "REFERER": url,
                       "EMAIL_PREFIX": f"b{int(time.time())}"},
        )  # fmt: skip
        time.sleep(1)  # let requests still in flight when wrk stopped commit
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare = baseline(
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
        worker_class=args.worker_class,
    )

    counter, rows, milestones = map(
        int, re.search(r"COUNT (\d+) (\d+) (\d+)", run(PYTHON, "-c", CHECK)).groups()
    )
    rate = figures["rate"]
    p50, p99 = figures["p50_us"] / 1000, figures["p99_us"] / 1000
    exact = counter == rows and counter >= figures["completed"]
    ok = figures["errors_status"] == 0 and figures["errors_other"] == 0 and exact
    report = (
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"({platform.machine()}), load average before {load:.1f}, gunicorn 2 {args.worker_class} workers x {args.threads} threads, "
        f"wrk {args.connections} connections for {args.duration} s: "
        f"**{rate:.0f} signatures/s**, p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
        f"{figures['completed']} answered, {figures['errors_status']} HTTP errors, "
        f"{figures['errors_other']} socket errors; counter {counter} = {rows} rows "
        f"({'exact' if exact else 'NOT EXACT'}), {milestones} milestones. "
        f"Bare counter view right after, same settings: {bare['rate']:.0f}/s, "
        f"p99 {bare['p99_us'] / 1000:.1f} ms. "
        f"Target {TARGET_RATE}/s with p99 < {TARGET_P99_MS} ms: "
        f"{'met' if rate >= TARGET_RATE and p99 < TARGET_P99_MS else 'not met'}."
    )
    print(output)
    print(report)
    if not args.no_record:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text()
        heading = "## Petition signatures over HTTP (`bench/bench_petition.py`)"
        if heading not in text:
            text = text.rstrip("\n") + f"\n\n{heading}\n"
        # Append to the end of this section, which other benchmarks may follow.
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        end = len(text) if end == -1 else end
        section = text[start:end].rstrip("\n") + "\n" + report + "\n"
        results.write_text(text[:start] + section + text[end:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
