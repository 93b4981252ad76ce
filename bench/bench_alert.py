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
accepted by the fake provider, the bulletin's pace before, during and after the alert,
and the bulletin's time start to end alone (sent first) and with the alert.

``--guests N``: just before the alert, N people RSVP to a rally, and the alert is sent
once the alerts worker is sending their confirmations (they share its lane): the alert's
first message then says how long it waited for the guest-mail sender's turn
(EVENT_GUEST_MAIL_TURN_SECONDS, in the environment the workers inherit).
Bounded (15 minutes at most); the workers and fakes it started are stopped.
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
from bench._smoke import isolate_keys  # noqa: E402

bench_send.REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
LIMIT = 900  # seconds: the whole run is bounded
ALERT_DOMAIN = "example.org"  # tests/campaigns/bulk_audience.py's addresses
GUEST_DOMAIN = "guests.example.org"


def delivered_to(stats_url: str, domain: str) -> int:
    """Messages the fake provider accepted for addresses at ``domain``."""
    return bench_send.sink_stats(stats_url)["by_domain"].get(domain, 0)


def open_rally_for_rsvps():
    """The demo's rally, next week, RSVPs open to everyone (as bench/storm.py)."""
    from django.utils import timezone

    from events.models import EventPage

    rally = EventPage.objects.get(
        slug="press-conference-and-rally-dhs", locale__language_code="en"
    )
    # A run with --reuse: the last run's guests would be told of the new time (an
    # update each), on the lane measured here.
    rally.rsvps.all().delete()
    rally.start = timezone.now() + timedelta(days=7)
    rally.end = rally.start + timedelta(hours=2)
    rally.rsvp_mode, rally.capacity, rally.waitlist = "internal", None, False
    rally.save_revision().publish()
    return rally


def rsvp_crowd(rally, count: int) -> None:
    """``count`` new people RSVP, each owed a confirmation in their language, all
    committed at once (a burst: the sender finds them all on its first look)."""
    from django.db import transaction

    from events.services import record_rsvp

    languages = ["en", "es", "hi", "zh-hans", "ar", "pl"]
    run = int(time.time())
    with transaction.atomic():
        for n in range(count):
            record_rsvp(
                event_id=rally.pk,
                name=f"Guest {n}",
                email=f"guest{run}-{n}@{GUEST_DOMAIN}",
                language=languages[n % len(languages)],
            )


def mailgun_env(port: int) -> dict[str, str]:
    return {
        "EMAIL_PROVIDER": "mailgun",
        "ANYMAIL_MAILGUN_API_KEY": "fake-mailgun-key",
        "ANYMAIL_MAILGUN_API_URL": f"http://127.0.0.1:{port}/v3",
        "ANYMAIL_MAILGUN_SENDER_DOMAIN": "mg.ona.example.org",
    }


def worker_env(port: int) -> dict[str, str]:
    env = bench_send.base_env(MAILING_PARALLEL_BATCHES="2", **mailgun_env(port))
    # Workers log through Django's LOGGING (cms.celery), at LOG_LEVEL: INFO, for the
    # "ready." line this waits for (--loglevel is not what decides).
    env["LOG_LEVEL"] = "INFO"
    return env


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
            env=worker_env(port),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
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
    parser.add_argument(
        "--guests",
        type=int,
        default=0,
        metavar="N",
        help="N RSVPs just before the alert: it is sent while their confirmations are",
    )
    parser.add_argument(
        "--first-call",
        action="store_true",
        help="then the alert's first provider call in fresh processes "
        "(bench/alert_first_call.py)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="300 + 20 recipients, keys of its own"
    )
    args = parser.parse_args()
    if args.smoke:
        # CI's check that this still runs (tests/bench/test_smoke.py): tiny, and on
        # the Redis it is given without flushing it.
        args.bulletin, args.alert = 300, 20
        args.guests = args.guests or 5
        isolate_keys()
    began = time.monotonic()
    print("# load average at start: {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()))

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
    from subscribers.models import MailingList
    from subscribers.selectors import sendable_subscribers
    from tests.campaigns.bulk_audience import bulk_subscribers

    if not args.smoke:
        redis.Redis.from_url(bench_send.REDIS_URL).flushdb()  # this run's own Redis db
    bulletin_lists = list(MailingList.objects.order_by("pk")[:3])
    responders, _ = MailingList.objects.get_or_create(
        slug="bench-rally-responders", defaults={"name": "Bench rally responders"}
    )
    t = time.monotonic()
    # People who will get it (demo subscribers sit on several lists, some pending).
    have = sendable_subscribers([lst.pk for lst in bulletin_lists]).count()
    if have < args.bulletin:
        bulk_subscribers(args.bulletin - have, bulletin_lists, prefix=f"bulk{have}-")
    have = responders.subscriptions.count()
    if have < args.alert:
        bulk_subscribers(args.alert - have, [responders], prefix=f"rally{have}-")
    print(f"# audiences ready in {time.monotonic() - t:.1f}s")
    organizer = get_user_model().objects.filter(is_superuser=True).first()
    rally = open_rally_for_rsvps() if args.guests else None

    processes = []
    try:
        # The HTTP path: the fake Mailgun (the sink argument names an SMTP server).
        bulk_sink, bulk_port, bulk_stats = bench_send.start_sink("http", "light")
        alert_sink, alert_port, alert_stats = bench_send.start_sink("http", "light")
        processes += [bulk_sink, alert_sink]
        logs = ROOT / "var" / "bench"
        processes.append(
            start_worker("bulk", "default,bulk", 2, bulk_port, logs / "bulk.log")
        )
        processes.append(
            start_worker("alerts", "alerts", 1, alert_port, logs / "alerts.log")
        )

        def start_bulletin():
            bulletin = Mailing.objects.create(
                page=bench_send.bench_page(),
                lane="bulk",
                status=Mailing.Status.STARTING,
            )
            bulletin.lists.set(bulletin_lists)
            base = bench_send.sink_count(bulk_stats)
            start_mailing_task.apply_async((bulletin.pk,), queue="bulk")
            return bulletin, base, time.monotonic()

        def sent_of(base):
            return bench_send.sink_count(bulk_stats) - base

        def wait_until(predicate, what):
            while not predicate():
                if time.monotonic() - began > LIMIT:
                    raise SystemExit(f"timed out waiting for {what}")
                time.sleep(0.02)

        def audience_of(bulletin):
            bulletin.refresh_from_db()
            return bulletin.recipients_count if bulletin.status != "starting" else 0

        # 1. The bulletin alone, start to last message: the reference.
        alone, base, t0 = start_bulletin()
        wait_until(lambda: audience_of(alone), "the bulletin to start")
        wait_until(lambda: sent_of(base) >= alone.recipients_count, "the bulletin")
        alone_seconds = time.monotonic() - t0

        # 2. The same bulletin again, and the alert once it sends at a steady pace.
        # The alert is composed (and previewed) while the bulletin starts.
        bulletin, base, t0 = start_bulletin()
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
        wait_until(lambda: sent_of(base) >= args.bulletin * 0.05, "a steady pace")
        mark, mark_at = sent_of(base), time.monotonic()
        time.sleep(2)
        at_send = sent_of(base)
        pace_before = (at_send - mark) / (time.monotonic() - mark_at)

        guests_at_send = 0
        if args.guests:
            rsvp_crowd(rally, args.guests)
            wait_until(
                lambda: delivered_to(alert_stats, GUEST_DOMAIN) > 0,
                "the guests' first confirmation",
            )
            guests_at_send = delivered_to(alert_stats, GUEST_DOMAIN)
        sent_at = time.monotonic()
        alerts.send_alert(user=organizer, mailing_id=alert.pk)
        first = last = None
        guests_at_first = 0
        while last is None:
            count = delivered_to(alert_stats, ALERT_DOMAIN)
            now = time.monotonic()
            if first is None and count > 0:
                first = now - sent_at
                guests_at_first = delivered_to(alert_stats, GUEST_DOMAIN)
            if count >= args.alert:
                last = now - sent_at
            if now - began > LIMIT:
                raise SystemExit("timed out waiting for the alert")
            time.sleep(0.02)
        at_last = sent_of(base)
        pace_during = (at_last - at_send) / last
        last_at = time.monotonic()
        audience = audience_of(bulletin)
        wait_until(lambda: sent_of(base) >= audience, "the bulletin to finish")
        ended = time.monotonic()
        with_alert_seconds = ended - t0
        guests_done = None
        if args.guests:
            wait_until(
                lambda: delivered_to(alert_stats, GUEST_DOMAIN) >= args.guests,
                "every guest's confirmation",
            )
            guests_done = time.monotonic() - sent_at
        pace_after = (audience - at_last) / (ended - last_at) if ended > last_at else 0
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
        "message | bulletin pace before / during / after the alert | bulletin alone "
        "/ with the alert | load 1/5/15 at the end |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {audience:,} | {args.alert:,} | {first:.2f} s | {last:.2f} s "
        f"| {pace_before:,.0f} / {pace_during:,.0f} ({-slowed:+.0f} %) / "
        f"{pace_after:,.0f} msg/s | {alone_seconds:.1f} s / {with_alert_seconds:.1f} s "
        f"(+{with_alert_seconds - alone_seconds:.1f} s) "
        f"| {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} |"
    )
    if args.guests:
        turn = os.environ.get("EVENT_GUEST_MAIL_TURN_SECONDS", "1 (default)")
        print(
            f"- {args.guests} RSVPs just before the alert (guest-mail turns of {turn} s):"
            f" {guests_at_send} of their confirmations accepted when it was sent,"
            f" {guests_at_first} by its first message, all {guests_done:.1f} s after it"
        )
    if args.first_call or args.smoke:
        sys.stdout.flush()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "alert_first_call.py")],
            cwd=ROOT,
            check=True,
            timeout=LIMIT,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
