"""Benchmark: a rally alert to 10,000 people while a 100,000-recipient bulletin sends.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ona_bench_alert \
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 \
    .venv/bin/python bench/bench_alert.py --bulletin 100000 --alert 10000

Needs this machine's PostgreSQL and Redis. It recreates the database named in
BENCH_DATABASE_URL, loads the demo content, adds the bulletin's audience (three demo
lists) and the alert's (a list of its own), then runs the two workers of the Procfile
(`default,bulk` with concurrency 2, `alerts` with concurrency 1), each against its own
loopback fake Mailgun so the two sends are counted apart. Once the bulletin is sending
at a steady pace it sends the alert through the organizer's service (what the Send
button calls) and prints: seconds from that call to the first and the last alert message
accepted by the fake provider, and the bulletin's pace before, during and after the
alert. Bounded (15 minutes at most); the workers and fakes it started are stopped.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ona_bench_alert"
)
from bench import bench_send  # noqa: E402 - after the database default is set

bench_send.REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
LIMIT = 900  # seconds: the whole run is bounded


def mailgun_env(port: int) -> dict[str, str]:
    return {
        "EMAIL_PROVIDER": "mailgun",
        "ANYMAIL_MAILGUN_API_KEY": "fake-mailgun-key",
        "ANYMAIL_MAILGUN_API_URL": f"http://127.0.0.1:{port}/v3",
        "ANYMAIL_MAILGUN_SENDER_DOMAIN": "mg.ona.example.org",
    }


def start_worker(name: str, queues: str, concurrency: int, port: int, log: Path):
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cms",
                "worker",
                "--queues",
                queues,
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{name}@bench-alert",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=bench_send.base_env(MAILING_PARALLEL_BATCHES="2", **mailgun_env(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def rate_over(stats_url: str, seconds: float) -> float:
    first, t0 = bench_send.sink_count(stats_url), time.monotonic()
    time.sleep(seconds)
    return (bench_send.sink_count(stats_url) - first) / (time.monotonic() - t0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulletin", type=int, default=100_000)
    parser.add_argument("--alert", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep last run's database")
    args = parser.parse_args()
    began = time.monotonic()

    if not args.reuse:
        bench_send.recreate_database()
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=bench_send.base_env(),
                check=True,
                stdout=subprocess.DEVNULL,
            )
    os.environ.update(bench_send.base_env())
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns.mailings.models import Mailing
    from campaigns.mailings.services import alerts
    from campaigns.mailings.tasks import start_mailing_task
    from subscribers.models import MailingList, Subscription
    from tests.campaigns.bulk_audience import bulk_subscribers

    redis.Redis.from_url(bench_send.REDIS_URL).flushdb()  # this run's own Redis db
    bulletin_lists = list(MailingList.objects.order_by("pk")[:3])
    responders, _ = MailingList.objects.get_or_create(
        slug="bench-rally-responders", defaults={"name": "Bench rally responders"}
    )
    t = time.monotonic()
    have = Subscription.objects.filter(mailing_list__in=bulletin_lists).count()
    if have < args.bulletin:
        bulk_subscribers(args.bulletin - have, bulletin_lists, prefix=f"bulk{have}-")
    have = responders.subscriptions.count()
    if have < args.alert:
        bulk_subscribers(args.alert - have, [responders], prefix=f"rally{have}-")
    print(f"# audiences ready in {time.monotonic() - t:.1f}s")
    organizer = get_user_model().objects.filter(is_superuser=True).first()

    processes = []
    try:
        bulk_sink, bulk_port, bulk_stats = bench_send.start_sink("http")
        alert_sink, alert_port, alert_stats = bench_send.start_sink("http")
        processes += [bulk_sink, alert_sink]
        logs = ROOT / "var" / "bench"
        processes.append(
            start_worker("bulk", "default,bulk", 2, bulk_port, logs / "bulk.log")
        )
        processes.append(
            start_worker("alerts", "alerts", 1, alert_port, logs / "alerts.log")
        )

        bulletin = Mailing.objects.create(
            page=bench_send.bench_page(), lane="bulk", status=Mailing.Status.STARTING
        )
        bulletin.lists.set(bulletin_lists)
        bulk_started = time.monotonic()
        start_mailing_task.apply_async((bulletin.pk,), queue="bulk")
        # The alert is composed (and previewed) while the bulletin starts.
        alert = alerts.create_rally_alert(
            user=organizer,
            title="Rally at the DHS office",
            what="Press conference and rally",
            start=timezone.now() + timedelta(hours=3),
            venue="Federal Plaza",
            address="101 W Ida B Wells Dr",
            message="Join us in three hours.",
            list_ids=[responders.pk],
        )
        while bench_send.sink_count(bulk_stats) < args.bulletin * 0.1:
            if time.monotonic() - began > LIMIT:
                raise SystemExit("timed out waiting for the bulletin")
            time.sleep(0.2)
        pace_before = rate_over(bulk_stats, 5)
        bulk_at_send = bench_send.sink_count(bulk_stats)

        sent_at = time.monotonic()
        alerts.send_alert(user=organizer, mailing_id=alert.pk)
        first = last = None
        while last is None:
            count = bench_send.sink_count(alert_stats)
            now = time.monotonic()
            if first is None and count > 0:
                first = now - sent_at
            if count >= args.alert:
                last = now - sent_at
            if now - began > LIMIT:
                raise SystemExit("timed out waiting for the alert")
            time.sleep(0.02)
        bulk_during = bench_send.sink_count(bulk_stats) - bulk_at_send
        pace_during = bulk_during / last
        pace_after = rate_over(bulk_stats, 5)
        bulk_sent = bench_send.sink_count(bulk_stats)
        bulletin.refresh_from_db()
        load = os.getloadavg()
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    slowed = 100 * (1 - pace_during / pace_before) if pace_before else 0
    print(
        "| bulletin recipients | alert recipients | first alert message | last alert "
        "message | bulletin pace before / during / after | bulletin slowed | load 1/5/15 |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {bulletin.recipients_count:,} | {args.alert:,} | {first:.2f} s | {last:.2f} s "
        f"| {pace_before:,.0f} / {pace_during:,.0f} / {pace_after:,.0f} msg/s "
        f"| {slowed:.0f} % | {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} |"
    )
    print(
        f"# bulletin: {bulk_sent:,} accepted after {time.monotonic() - bulk_started:.0f}s"
        " (stopped there; the run measures the overlap, not the whole bulletin)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
