"""Does a partner's dead webhook receiver slow the public forms? Petition signatures per
second over HTTP with no endpoint, with an endpoint whose receiver answers at once, and
with one whose receiver never answers.

    .venv/bin/python bench/bench_webhooks.py [--duration 15] [--rounds 2] [--smoke]

Needs PostgreSQL and Redis on loopback (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults
below) and wrk (apt-get install wrk). It recreates the database, starts gunicorn (2
gthread workers) and one Celery worker with beat (which queues the deliveries), a live
receiver (answers 204) and a "black hole" (accepts connections, never answers: every
attempt waits for PARTNER_WEBHOOK_TIMEOUT), and signs one petition through its public
form with wrk, alternating the three phases. Then it checks the counter, counts the
deliveries recorded and attempted, and appends the figures to bench/RESULTS.md (not
with --smoke).
"""

import argparse
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_petition  # noqa: E402
from bench._smoke import isolate_keys  # noqa: E402
from bench.bench_petition import csrf, wait_until_up, wrk  # noqa: E402

PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ona_bench_webhooks"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
HEADING = "## Partner webhooks: a dead receiver and the public forms (issue 19)"

SETUP = """
import django; django.setup()
from campaigns.models import Campaign
from cms.partners import keys
from cms.partners.webhooks.services import create_endpoint
from tests.factories import SuperuserFactory, build_home_page, build_petition_page
campaign = Campaign.objects.create(name="Bench", slug="bench", goal=100)
page = build_petition_page(
    build_home_page(), campaign, slug="bench", require_verification=False
)
staff = SuperuserFactory(username="bench")
key, _token = keys.create_api_key(user=staff, name="Bench", partner="Bench partner",
    actions=["sign"], campaigns=[campaign])
ids = []
for url in %r:
    endpoint, _secret = create_endpoint(user=staff, api_key=key, url=url,
        event_types=["signature.counted", "milestone.reached"])
    endpoint.active = False
    endpoint.save()
    ids.append(endpoint.pk)
print("URL", page.url, page.pk, *ids)
"""
TOGGLE = """
import django; django.setup()
from cms.partners.models import WebhookEndpoint
WebhookEndpoint.objects.update(active=False)
WebhookEndpoint.objects.filter(pk=%r).update(active=True)
"""
CHECK = """
import django; django.setup()
from campaigns.models import Counter, Signature
from cms.partners.models import WebhookDelivery, WebhookEndpoint
rows = WebhookDelivery.objects
print("CHECK", Counter.objects.get(kind="signatures").value, Signature.objects.count(),
      rows.count(), rows.filter(status="succeeded").count(),
      rows.filter(last_error__contains="Timeout").count(),
      rows.filter(status="cancelled").count(), rows.filter(status="pending").count(),
      int(WebhookEndpoint.objects.filter(paused_until__isnull=False).exists()))
"""


def env(var_dir: str) -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="0",
        DATABASE_URL=DATABASE_URL,
        DATABASE_CONN_MAX_AGE="600",
        REDIS_URL=REDIS_URL,
        # every request comes from one loopback address
        RATE_LIMIT_PETITION_PER_CLIENT="off",
        RATE_LIMIT_PETITION_PER_ADDRESS="off",
        PARTNER_WEBHOOK_ALLOW_HTTP="1",
        LOG_LEVEL="WARNING",
        VAR_DIR=var_dir,
        PYTHONPATH=str(ROOT),
    )
    return values


class LiveReceiver:
    """Answers every webhook with 204 at once, and counts them."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.count = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.count += 1
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class BlackHole:
    """Accepts TCP connections and never answers: the worst receiver to wait for."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.held: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.running = False
        for connection in self.held:
            connection.close()
        self.sock.close()


def fresh_database() -> None:
    import psycopg
    import redis

    if not bench_petition.SMOKE:  # a smoke run has keys of its own instead
        redis.Redis.from_url(REDIS_URL).flushdb()
    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def start(command: list[str], values: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=values,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--smoke", action="store_true", help="2 s phases, no record")
    args = parser.parse_args()
    if args.smoke:  # CI's check that this still runs (tests/bench/test_smoke.py)
        args.duration, args.rounds = 2, 1
        bench_petition.SMOKE = True  # Python load where wrk is missing
        isolate_keys()

    load = os.getloadavg()[0]
    var_dir = tempfile.mkdtemp(prefix="bench-webhooks-")
    values = env(var_dir)

    def run(*command: str) -> str:
        return subprocess.run(
            command, cwd=ROOT, env=values, check=True, capture_output=True, text=True
        ).stdout

    hole, live = BlackHole(), LiveReceiver()
    urls = {
        "live receiver": f"http://127.0.0.1:{live.port}/hooks",
        "dead receiver": f"http://127.0.0.1:{hole.port}/hooks",
    }
    fresh_database()
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    path, page_id, live_id, dead_id = re.search(
        r"URL (\S+) (\d+) (\d+) (\d+)",
        run(PYTHON, "-c", SETUP % [urls["live receiver"], urls["dead receiver"]]),
    ).groups()
    endpoint_ids = {"live receiver": int(live_id), "dead receiver": int(dead_id)}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}{path}"
    action = f"http://127.0.0.1:{port}/petitions/{page_id}/sign/"
    bin_dir = Path(PYTHON).parent
    server = start(
        [str(bin_dir / "gunicorn"), "cms.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--worker-class", "gthread", "--threads", "2",
         "--log-level", "warning", "--no-control-socket"],
        values,
    )  # fmt: skip
    worker = start(
        [PYTHON, "-m", "celery", "-A", "cms", "worker", "--queues", "default",
         "--concurrency", "2", "--loglevel", "WARNING", "--beat",
         "--schedule", str(Path(var_dir) / "beat-schedule")],
        values,
    )  # fmt: skip
    phases: dict[str, list[dict]] = {
        "no endpoint": [],
        "live receiver": [],
        "dead receiver": [],
    }
    try:
        wait_until_up(url)
        token, cookie = csrf(url)
        for round_number in range(args.rounds):
            for phase in phases:
                run(PYTHON, "-c", TOGGLE % endpoint_ids.get(phase))
                # Each process keeps its endpoint list up to 5 s (webhooks/services).
                time.sleep(6)
                _output, figures = wrk(
                    action,
                    connections=args.connections,
                    duration=args.duration,
                    script="petition.lua",
                    extra_env={
                        "CSRF_TOKEN": token,
                        "CSRF_COOKIE": cookie,
                        "REFERER": url,
                        "EMAIL_PREFIX": f"r{round_number}{len(phase)}t{int(time.time())}",
                    },
                )
                phases[phase].append(figures)
                print(phase, figures)
        time.sleep(1)  # requests in flight when wrk stopped commit
        counter, rows, deliveries, succeeded, timeouts, cancelled, waiting, paused = (
            map(
                int,
                re.search(r"CHECK ([\d ]+)", run(PYTHON, "-c", CHECK)).group(1).split(),
            )
        )
    finally:
        stop(server)
        stop(worker)
        hole.close()
        live.close()

    def summary(name: str) -> str:
        runs = phases[name]
        rates = [figures["rate"] for figures in runs]
        p99s = [figures["p99_us"] / 1000 for figures in runs]
        errors = sum(f["errors_status"] + f["errors_other"] for f in runs)
        return (
            f"{name}: " + ", ".join(f"{rate:.0f}/s" for rate in rates)
            + " (p99 " + ", ".join(f"{p99:.0f}" for p99 in p99s) + f" ms), {errors} errors"
        )  # fmt: skip

    signed = sum(f["completed"] for runs in phases.values() for f in runs)
    with_endpoint = sum(
        f["completed"]
        for name in ("live receiver", "dead receiver")
        for f in phases[name]
    )
    exact = counter == rows and counter >= signed
    report = (
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"({platform.machine()}), load average before {load:.1f}; gunicorn 2 gthread "
        f"workers x 2 threads, one Celery worker (2 processes) with beat, wrk "
        f"{args.connections} connections, {args.rounds} rounds of {args.duration} s "
        f"per phase, alternating. {summary('no endpoint')}; "
        f"{summary('live receiver')}; {summary('dead receiver')}. Deliveries "
        f"recorded {deliveries} for {with_endpoint} signatures answered with an "
        f"endpoint on (plus those in flight when wrk stopped, and milestones): "
        f"{succeeded} delivered to the live receiver ({live.count} received), "
        f"{timeouts} attempts at the dead one timed out before it paused, "
        f"{waiting} waiting for its pause to end, {cancelled} cancelled (the bench "
        f"switched their endpoint off before a worker reached them); "
        f"dead endpoint {'paused' if paused else 'not paused'}; counter {counter} = "
        f"{rows} rows "
        f"({'exact' if exact else 'NOT EXACT'})."
    )
    print(report)
    if not args.smoke:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text()
        if HEADING not in text:
            text = text.rstrip("\n") + f"\n\n{HEADING}\n\n`bench/bench_webhooks.py`:\n"
        start_at = text.index(HEADING)
        end = text.find("\n## ", start_at + len(HEADING))
        end = len(text) if end == -1 else end
        section = text[start_at:end].rstrip("\n") + "\n" + report + "\n"
        results.write_text(text[:start_at] + section + text[end:])
    return 0 if exact and deliveries else 1


if __name__ == "__main__":
    sys.exit(main())
