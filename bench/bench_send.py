"""Benchmark: one mailing to N confirmed subscribers through a real Celery worker.

    python bench/bench_send.py --recipients 100000 --transport http
    python bench/bench_send.py --recipients 100000 --transport smtp
    python bench/bench_send.py --recipients 10000 --transport smtp --sink aiosmtpd

Needs this machine's PostgreSQL and Redis (BENCH_DATABASE_URL, REDIS_URL; defaults below).
It recreates the database named in BENCH_DATABASE_URL, loads the demo content, adds N
subscribers over the four lists and six languages, then sends the demo bulletin through
`celery worker --concurrency 2` to the loopback fake Mailgun (batch path) or to a
loopback SMTP sink (SMTP path), and prints the figures as a Markdown table row.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ona_bench_send"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12")


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[-1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def base_env(**extra) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        VAR_DIR=str(ROOT / "var" / "bench"),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


SINKS = {"light": "tests.smtp_sink", "aiosmtpd": "tests.aiosmtpd_sink"}


def start_sink(transport: str, sink: str) -> tuple[subprocess.Popen, int, str]:
    """The fake provider or SMTP sink in its own process: (process, port, stats URL)."""
    module = "tests.fake_esp" if transport == "http" else SINKS[sink]
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"],
        cwd=ROOT,
        env=base_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    ports = process.stdout.readline().split()
    port = int(ports[0])
    stats = (
        f"http://127.0.0.1:{port}/_fake/stats"
        if transport == "http"
        else f"http://127.0.0.1:{ports[1]}/"
    )
    return process, port, stats


def sink_stats(stats_url: str) -> dict:
    with urllib.request.urlopen(stats_url, timeout=5) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def sink_count(stats_url: str) -> int:
    return sink_stats(stats_url)["delivered"]


def sender_cpu_seconds(workers) -> float:
    """User + system CPU of the worker processes and their pool children so far."""
    import psutil

    total = 0.0
    for worker in workers:
        try:
            process = psutil.Process(worker.pid)
            for each in [process, *process.children(recursive=True)]:
                times = each.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def peak_rss_mb(pid: int) -> dict[int, float]:
    pids = [pid] + [
        int(p)
        for p in subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    peaks = {}
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[each] = int(line.split()[1]) / 1024
        except FileNotFoundError:
            continue
    return peaks


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--transport", choices=["http", "smtp"], default="http")
    parser.add_argument(
        "--sink",
        choices=sorted(SINKS),
        default="light",
        help="SMTP server receiving the SMTP path (aiosmtpd costs ~2 ms CPU a message)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database from last run"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (concurrency 2 each)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="200 recipients, Redis keys of its own"
    )
    args = parser.parse_args()
    if args.smoke:  # CI's check that this still runs (tests/bench/test_smoke.py)
        from bench._smoke import isolate_keys

        args.recipients = 200
        isolate_keys()

    if not args.reuse:
        recreate_database()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=base_env(),
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "load_demo"],
            cwd=ROOT,
            env=base_env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    os.environ.update(base_env())
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.mailings.models import Delivery, Mailing
    from campaigns.mailings.services import sending
    from campaigns.mailings.tasks import start_mailing_task
    from subscribers.models import MailingList, Subscriber
    from tests.campaigns.bulk_audience import bulk_subscribers

    lists = list(MailingList.objects.order_by("pk")[:4])
    have = Subscriber.objects.filter(email_hash__isnull=False).count()
    if have < args.recipients:
        t = time.monotonic()
        bulk_subscribers(args.recipients - have, lists, prefix=f"bench{have}-")
        print(
            f"# made {args.recipients - have} subscribers in {time.monotonic() - t:.1f}s"
        )
    page = bench_page()

    sink, port, stats_url = start_sink(args.transport, args.sink)
    transport_env = (
        {
            "EMAIL_PROVIDER": "mailgun",
            "ANYMAIL_MAILGUN_API_KEY": "fake-mailgun-key",
            "ANYMAIL_MAILGUN_API_URL": f"http://127.0.0.1:{port}/v3",
            "ANYMAIL_MAILGUN_SENDER_DOMAIN": "mg.ona.example.org",
        }
        if args.transport == "http"
        else {
            "EMAIL_PROVIDER": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cms",
                "worker",
                "--queues",
                "bulk",
                "--concurrency",
                "2",
                "--hostname",
                f"bench{number}@%h",
                "--loglevel",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=base_env(
                MAILING_PARALLEL_BATCHES=str(4 * args.workers), **transport_env
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in range(args.workers)
    ]
    try:
        time.sleep(6 + 2 * args.workers)  # worker boot
        cpu_before = sender_cpu_seconds(workers)
        mailing = Mailing.objects.create(
            page=page, lane="bulk", status=Mailing.Status.STARTING
        )
        mailing.lists.set(lists)
        before = sink_count(stats_url)
        started = time.monotonic()
        start_mailing_task.apply_async((mailing.pk,), queue="bulk")
        audience = None
        while audience is None or sink_count(stats_url) - before < audience:
            time.sleep(0.2)
            if audience is None:
                mailing.refresh_from_db()
                if mailing.status != Mailing.Status.STARTING:
                    audience = mailing.recipients_count
                    materialised = time.monotonic() - started
            if time.monotonic() - started > 900:
                raise SystemExit("timed out")
        elapsed = time.monotonic() - started
        load = os.getloadavg()
        cpu_ms = 1000 * (sender_cpu_seconds(workers) - cpu_before) / audience
        time.sleep(1)
        rss = {}
        for worker in workers:
            rss.update(peak_rss_mb(worker.pid))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    # Queries per 1,000 messages: one 1,000-recipient batch measured in this process.
    from django.conf import settings

    settings.EMAIL_PROVIDER = transport_env["EMAIL_PROVIDER"]
    if args.transport == "http":
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {
            k.removeprefix("ANYMAIL_"): v
            for k, v in transport_env.items()
            if k.startswith("ANYMAIL_")
        }
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    probe = Mailing.objects.create(
        page=page, lane="bulk", status=Mailing.Status.SENDING
    )
    for rendition in mailing.renditions.all():
        rendition.pk, rendition.mailing = None, probe
        rendition.save()
    first = Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:1000]
    Delivery.objects.bulk_create(
        [Delivery(mailing=probe, subscriber_id=pk, language="en") for pk in first]
    )
    settings.MAILING_BATCH_SIZE = 1000
    with CaptureQueriesContext(connection) as queries:
        sending.send_batch(mailing_id=probe.pk)
    sink.terminate()

    rate = audience / elapsed
    worst = max(rss.values()) if rss else 0
    print(
        f"| {args.transport}{'' if args.transport == 'http' else f' ({args.sink} sink)'}"
        f" | {audience:,} | {elapsed:.1f} s | {rate:,.0f} msg/s | "
        f"{worst:.0f} MB (per process: {', '.join(f'{v:.0f}' for v in rss.values())}) | "
        f"{len(queries)} | start (materialise + render): {materialised:.1f} s |"
        f" workers: {args.workers} | sender CPU {cpu_ms:.3f} ms/msg |"
        f" load {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} |"
    )
    return 0


def bench_page():
    """The demo bulletin (load_demo's Feb 2017 bulletin); fall back to the home page."""
    from wagtail.models import Page

    try:
        from cms.models import BulletinPage

        bulletin = (
            BulletinPage.objects.live()
            .filter(locale__language_code="en")
            .order_by("-pk")
            .first()
        )
        if bulletin is not None:
            return bulletin
    except ImportError:
        pass
    return Page.objects.live().filter(depth=2).first().specific


if __name__ == "__main__":
    sys.exit(main())
