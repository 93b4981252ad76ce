"""Benchmark: from the organizer's Send to the alert's first provider call, in a fresh
process as a fresh alerts worker would be (issue 18).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ona_bench_alert \
    .venv/bin/python bench/alert_first_call.py

Needs the database bench/bench_alert.py left (its 10,000 "bench-rally-responders" in
six languages); `bench_alert.py --first-call` runs it after the alert (and its smoke
mode always does, so CI notices when this script breaks). One process composes a rally alert (as the web process does); a second,
fresh one runs the worker's start-up warm-up when the build has one, then send_alert,
start_mailing and the first send_batch, and prints wall and CPU seconds and queries up
to the first transport.send call (the outbox backend: files, no provider). CPU is the
figure to compare on a shared machine: wall time there is mostly other processes'.
The alert is cancelled afterwards; the tasks its start queued stay in that Redis
database (BENCH_REDIS_URL), where they find it cancelled.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    # bench_alert's database and Redis, through the environment every bench shares.
    from bench import bench_alert

    env = bench_alert.bench_send.base_env(EMAIL_PROVIDER="outbox")
    env["VAR_DIR"] = str(ROOT / "var" / "bench-first-call")
    os.environ.update(env)
    import django

    django.setup()


def compose() -> int:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns.mailings.services import alerts
    from subscribers.models import MailingList

    organizer = get_user_model().objects.filter(is_superuser=True).first()
    responders = MailingList.objects.get(slug="bench-rally-responders")
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
    return alert.pk


def measure(alert_id: int) -> str:
    import cms.celery

    if hasattr(cms.celery, "warm_languages"):  # what a worker does as it starts
        cms.celery.warm_languages()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.mailings import transport
    from campaigns.mailings.models import Mailing
    from campaigns.mailings.services import alerts, sending, starting

    organizer = get_user_model().objects.filter(is_superuser=True).first()
    first: dict[str, float] = {}
    send = transport.send

    def timed_send(envelope, recipients):
        first.setdefault("wall", time.perf_counter())
        first.setdefault("cpu", time.process_time())
        first.setdefault("queries", len(queries.captured_queries))
        return send(envelope, recipients)

    transport.send = timed_send
    try:
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            alerts.send_alert(user=organizer, mailing_id=alert_id)
            starting.start_mailing(mailing_id=alert_id)
            sending.send_batch(mailing_id=alert_id)
    finally:
        transport.send = send
        Mailing.objects.filter(pk=alert_id).update(status=Mailing.Status.CANCELLED)
    return (
        f"| {os.getloadavg()[0]:.2f} | {first['wall'] - wall:.2f} s "
        f"| {first['cpu'] - cpu:.2f} s | {first['queries']:.0f} |"
    )


def main() -> int:
    if len(sys.argv) > 1:
        setup()
        print(measure(int(sys.argv[1])))
        return 0
    setup()
    alert_id = compose()
    result = subprocess.run(
        [sys.executable, __file__, str(alert_id)],
        check=True,
        capture_output=True,
        text=True,
    )
    print("| load 1 min | to the first provider call | its CPU | queries |")
    print(result.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
