"""Make the admin screenshots in this folder (1280 px wide) from a throwaway demo site.

    .venv/bin/python docs/screenshots/generate.py

It builds a SQLite site in a temporary folder (the demo content plus 2,400 made-up
subscribers on example.org), records a finished send of the demo bulletin as the
pipeline would have (deliveries with their statuses and send times spread over
twenty minutes, including a pause), a send in progress, a scheduled one and an alert
waiting for approval, then starts the development server and photographs the mailing
report, the campaign report and the dashboard with the Debian Chromium the tests use.
Nothing is sent and nothing outside the temporary folder is touched.
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PEOPLE = 2400
LANGUAGE_SHARES = [
    ("en", 38),
    ("es", 30),
    ("zh-hans", 10),
    ("ar", 9),
    ("pl", 8),
    ("hi", 5),
]


def prepare_environment(var_dir: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEMO_ADMIN_PASSWORD="screenshots only",  # noqa: S106 (a throwaway site)
    )
    sys.path.insert(0, str(ROOT))


def build_site() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    add_people()
    add_mailings()


def add_people() -> None:
    from django.utils import timezone

    from subscribers.models import MailingList, Subscriber, Subscription

    rng = random.Random(17)  # noqa: S311 (made-up demo data)
    lists = list(MailingList.objects.order_by("name"))
    weights = [5, 2, 4, 3]  # outreach, employers, legal, health
    languages = [code for code, share in LANGUAGE_SHARES for _ in range(share)]
    now = timezone.now()
    people = [
        Subscriber.for_email(
            f"reader{n}@example.org",
            language=rng.choice(languages),
            zip_code=f"606{rng.randint(0, 60):02d}",
        )
        for n in range(PEOPLE)
    ]
    Subscriber.objects.bulk_create(people, batch_size=500)
    subscriptions = []
    for person in Subscriber.objects.filter(
        email_hash__in=[p.email_hash for p in people]
    ):
        chosen = set(rng.choices(lists, weights=weights, k=rng.choice([1, 1, 2])))
        for mailing_list in chosen:
            # Signups over the last twelve weeks, growing towards this week.
            days = int(84 * (1 - rng.random() ** 0.6))
            subscriptions.append(
                Subscription(
                    subscriber=person,
                    mailing_list=mailing_list,
                    status=Subscription.Status.CONFIRMED,
                    source=Subscription.Source.DEMO,
                    consented_at=now - timedelta(days=days, hours=rng.randint(0, 23)),
                )
            )
    Subscription.objects.bulk_create(subscriptions, batch_size=1000)


def add_mailings() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns.mailings.models import Delivery, Mailing
    from campaigns.mailings.services import control
    from campaigns.mailings.services.alerts import create_rally_alert, send_alert
    from campaigns.mailings.services.starting import materialise_deliveries
    from cms.models import BulletinPage
    from subscribers.models import ListPermission, MailingList

    rng = random.Random(4)  # noqa: S311 (made-up demo data)
    admin = get_user_model().objects.get(username="admin")
    bulletin = BulletinPage.objects.get(
        locale__language_code="en", slug="february-2017"
    )
    outreach = MailingList.objects.get(slug="community-outreach")
    legal = MailingList.objects.get(slug="legal-protection")
    health = MailingList.objects.get(slug="mental-health")

    sent = control.create_mailing(
        user=admin, page=bulletin, list_ids=[outreach.pk, legal.pk]
    )
    languages = list(
        bulletin.get_translations(inclusive=True).values_list(
            "locale__language_code", flat=True
        )
    )
    total = materialise_deliveries(sent, languages)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    statuses = ["delivered"] * 930 + ["sent"] * 40 + ["bounced"] * 18
    statuses += ["complained"] * 3 + ["failed"] * 9
    rows = list(Delivery.objects.filter(mailing=sent).order_by("pk"))
    # Throttled sending with a ramp-up, and a pause when the provider slowed us down.
    minutes = [m for m in range(21) if m not in (9, 10, 11)]
    weights = [min(1 + m, 6) + rng.random() for m in range(len(minutes))]
    for row in rows:
        minute = rng.choices(minutes, weights=weights)[0]
        row.sent_at = start + timedelta(minutes=minute, seconds=rng.randint(0, 59))
        row.status = rng.choice(statuses)
        if row.status == "delivered":
            row.delivered_at = row.sent_at + timedelta(seconds=rng.randint(2, 90))
    Delivery.objects.bulk_update(
        rows, ["sent_at", "status", "delivered_at"], batch_size=500
    )
    Mailing.objects.filter(pk=sent.pk).update(
        status=Mailing.Status.SENT,
        recipients_count=total,
        started_at=start,
        finished_at=start + timedelta(minutes=21),
    )

    running = control.create_mailing(user=admin, page=bulletin, list_ids=[health.pk])
    total = materialise_deliveries(running, languages)
    done = list(
        Delivery.objects.filter(mailing=running).order_by("pk")[: total * 3 // 5]
    )
    for row in done:
        row.status, row.sent_at = "sent", timezone.now() - timedelta(minutes=2)
    Delivery.objects.bulk_update(done, ["status", "sent_at"])
    Mailing.objects.filter(pk=running.pk).update(
        status=Mailing.Status.SENDING,
        recipients_count=total,
        started_at=timezone.now() - timedelta(minutes=4),
    )

    scheduled = control.create_mailing(
        user=admin, page=bulletin, list_ids=[outreach.pk]
    )
    control.schedule(
        user=admin, mailing_id=scheduled.pk, when=timezone.now() + timedelta(days=2)
    )

    # An organizer's rally alert to the two-person list, waiting for the admin's approval.
    from django.contrib.auth.models import Group

    organizers = Group.objects.get(name="Organizers")
    ListPermission.objects.get_or_create(
        group=organizers, mailing_list=legal, permission=ListPermission.Permission.SEND
    )
    olga = get_user_model().objects.create_user(
        "olga", "olga@ona.example.org", first_name="Olga", last_name="Nowak"
    )
    olga.groups.add(organizers)
    alert = create_rally_alert(
        user=olga,
        title="Rally at the Federal Plaza",
        what="Press conference and rally",
        start=timezone.now() + timedelta(hours=4),
        venue="Federal Plaza",
        address="230 S Dearborn St",
        message="Join us this afternoon to stand with our neighbors.",
        list_ids=[legal.pk],
    )
    send_alert(user=olga, mailing_id=alert.pk)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def photograph(base: str) -> None:
    from playwright.sync_api import sync_playwright

    from campaigns.mailings.models import Mailing
    from campaigns.models import Campaign

    sent = Mailing.objects.get(status=Mailing.Status.SENT)
    campaign = Campaign.objects.get()
    shots = [
        ("mailing-report.png", f"/admin/mailings/{sent.pk}/", 2000),
        ("campaign-report.png", f"/admin/campaigns/report/{campaign.pk}/", 1500),
        ("dashboard.png", "/admin/", 1500),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            for name, path, height in shots:
                context = browser.new_context(
                    viewport={"width": 1280, "height": height}
                )
                page = context.new_page()
                page.goto(f"{base}/admin/login/")
                page.get_by_label("Username").fill("admin")
                page.get_by_label("Password").fill("screenshots only")
                page.locator("form button[type=submit]").first.click()
                page.wait_for_url("**/admin/")
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / name))
                context.close()
                print(f"wrote {OUT / name}")  # noqa: T201
        finally:
            browser.close()


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="ona-screenshots-"))
    prepare_environment(var_dir)
    server = None
    try:
        build_site()
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
            ],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_up(f"http://127.0.0.1:{port}/admin/login/")
        photograph(f"http://127.0.0.1:{port}")
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)
        shutil.rmtree(var_dir, ignore_errors=True)


def wait_until_up(url: str, timeout: float = 30) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    main()
