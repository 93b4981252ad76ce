"""Redis stopped for 60 s in the middle of a burst of signups, signatures and RSVPs:
every row is stored, every request answered, and every person gets exactly one e-mail
once Redis is back, sent by the resend beat task (an RSVP's: its owed guest message,
by the next sender woken) without anyone signing up again.

Real services on this machine: a private ``redis-server`` on a free loopback port (the
shared one is never touched), a gunicorn web server and a Celery worker running beat,
both pointed at it and at the test database; e-mail goes to a file outbox.
"""

import ast
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from campaigns.models import Signature
from events.models import GuestMessage, Rsvp
from subscribers.models import SignupPage, Subscriber, Subscription
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
)
from tests.workers import ROOT, celery_worker, wait_for, worker_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
PER_PHASE = 10  # signups and signatures each, before, during and after the outage
RSVPS_PER_PHASE = 3
OUTAGE = 60  # seconds
PHASES = ("before", "during", "after")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own, stopped and started again on the same port."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.dir = Path(tempfile.mkdtemp(prefix="redisfault-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # Saves on shutdown like a stock install, so queued tasks and kombu's queue
        # bindings survive the stop (a restart is not a flush).
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--save",
                "3600 1",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=(self.dir / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, timeout=20, what="redis-server to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def remove(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    if not server.binary:
        pytest.fail("no redis-server on PATH (apt-get install redis-server)")
    server.start()
    yield server
    server.remove()


@pytest.fixture
def web_server(private_redis, tmp_path, outbox_dir):
    """gunicorn on a free port with the private Redis as broker and cache."""
    port = free_port()
    env = worker_env(
        redis_url=private_redis.url,
        var_dir=tmp_path / "web-var",
        EMAIL_PROVIDER="outbox",
        PAGE_CACHE_SECONDS="0",
        RATE_LIMIT_SIGNUP_PER_CLIENT="10000/1h",
        RATE_LIMIT_PETITION_PER_CLIENT="10000/1h",
    )
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                # gunicorn 27's control socket has one default path per user: two
                # servers at once (xdist) would fight over it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            return requests.get(base + "/", timeout=10).status_code < 500
        except requests.RequestException:
            return False

    try:
        wait_for(up, timeout=60, what="gunicorn to answer", interval=0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def resent_by_beat(log: Path) -> Counter:
    """What the resend task's runs queued, added up from the worker's log."""
    total: Counter = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if "resend_unqueued_emails_task" in line and " succeeded " in line:
            total.update(ast.literal_eval(line[line.index("{") :]))
    return total


def outbox_recipients(folder: Path) -> Counter:
    received: Counter = Counter()
    for path in folder.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        for _, address in getaddresses(message.get_all("To", [])):
            received[address.lower()] += 1
    return received


def test_redis_down_60s_mid_burst_loses_no_signup_and_no_email(
    home_page, private_redis, web_server, outbox_dir, tmp_path
):
    legal = MailingListFactory(slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.mailing_lists.add(legal)
    signup.save_revision().publish()
    petition = build_petition_page(
        home_page, CampaignFactory(slug="outage"), require_verification=True
    )
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    sign_url = web_server + reverse("campaigns:sign", args=[petition.pk])
    rsvp_url = web_server + event.url + "rsvp/"
    session = requests.Session()
    page = session.get(web_server + signup.url, timeout=10)
    assert page.status_code == 200, page.status_code
    token = TOKEN.search(page.text).group(1)
    answers: list[int] = []

    def burst(phase: str) -> None:
        for n in range(PER_PHASE):
            answers.append(
                session.post(
                    web_server + signup.url,
                    {
                        "csrfmiddlewaretoken": token,
                        "email": f"joiner-{phase}-{n}@example.org",
                        "language": "es",
                        "lists": [legal.pk],
                        "website": "",
                    },
                    timeout=30,
                ).status_code
            )
            answers.append(
                session.post(
                    sign_url,
                    {
                        "csrfmiddlewaretoken": token,
                        "name": "Ana Signer",
                        "email": f"signer-{phase}-{n}@example.org",
                        "zip_code": "60601",
                        "website": "",
                    },
                    timeout=30,
                    allow_redirects=False,
                ).status_code
            )
        for n in range(RSVPS_PER_PHASE):
            answers.append(
                session.post(
                    rsvp_url,
                    {
                        "csrfmiddlewaretoken": token,
                        "name": "Omar Guest",
                        "email": f"guest-{phase}-{n}@example.org",
                        "website": "",
                    },
                    timeout=30,
                    allow_redirects=False,
                ).status_code
            )

    env = worker_env(
        redis_url=private_redis.url,
        var_dir=tmp_path / "worker-var",
        EMAIL_PROVIDER="outbox",
        EMAIL_RESEND_INTERVAL="2",
        EMAIL_RESEND_GRACE="3",
        EVENT_GUEST_MAIL_INTERVAL="2",
    )
    per_phase = 2 * PER_PHASE + RSVPS_PER_PHASE
    with celery_worker(
        env=env,
        queues=["default", "alerts"],  # RSVP confirmations: the guest-mail sender
        log_path=tmp_path / "worker.log",
        beat=True,
    ):
        burst("before")
        wait_for(
            lambda: sum(outbox_recipients(outbox_dir).values()) >= per_phase,
            timeout=60,
            what="the e-mails of the signups before the outage",
        )
        private_redis.stop()
        stopped = time.monotonic()
        burst("during")
        during_outage = time.monotonic() - stopped
        sent_while_down = sum(outbox_recipients(outbox_dir).values()) - per_phase
        time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopped)))
        private_redis.start()
        outage = time.monotonic() - stopped
        burst("after")
        expected = 3 * per_phase
        try:
            wait_for(
                lambda: sum(outbox_recipients(outbox_dir).values()) >= expected,
                timeout=120,
                what="every e-mail after Redis came back",
                interval=1,
            )
        except AssertionError:
            pass  # reported with the figures below
        recovered = time.monotonic() - stopped - outage
        # A few more resend runs: none of them may send anything twice.
        time.sleep(6)
    received = outbox_recipients(outbox_dir)
    resent = resent_by_beat(tmp_path / "worker.log")

    joiners = {f"joiner-{p}-{n}@example.org" for p in PHASES for n in range(PER_PHASE)}
    signers = {f"signer-{p}-{n}@example.org" for p in PHASES for n in range(PER_PHASE)}
    stored_signups = Subscription.objects.filter(
        mailing_list=legal, status=Subscription.Status.PENDING
    ).count()
    stored_signatures = Signature.objects.filter(campaign=petition.campaign).count()
    guests = {
        f"guest-{p}-{n}@example.org" for p in PHASES for n in range(RSVPS_PER_PHASE)
    }
    stored_rsvps = Rsvp.objects.filter(event=event).count()

    def figures(kind: str, stored: int, people: set[str]) -> str:
        got = sum(1 for address in people if received[address] >= 1)
        duplicated = sum(
            received[address] - 1 for address in people if received[address] > 1
        )
        return (
            f"{kind} stored {stored}/{len(people)}, e-mails sent {got}, "
            f"lost {len(people) - got}, duplicated {duplicated}"
        )

    summary = (
        f"{figures('signups', stored_signups, joiners)}; "
        f"{figures('signatures', stored_signatures, signers)}; "
        f"{figures('RSVPs', stored_rsvps, guests)}; "
        f"Redis down {outage:.0f} s ({per_phase} posts in {during_outage:.1f} s, "
        f"{sent_while_down} e-mails while down); all sent {recovered:.0f} s after restart; "
        f"answers {dict(Counter(answers))}; queued again by beat {dict(resent)}"
    )
    print(summary)  # noqa: T201
    # Everything posted during the outage reached its inbox (signups, kept for the
    # worker, and signatures through the resend task; RSVPs as owed messages, all
    # sent now).
    assert resent["signups"] >= PER_PHASE, summary
    assert resent["verifications"] >= PER_PHASE, summary
    assert outage >= OUTAGE, summary
    assert sent_while_down == 0, f"Redis was not really down; {summary}"
    assert all(code in (200, 303) for code in answers), summary
    assert stored_signups == len(joiners), summary
    assert stored_signatures == len(signers), summary
    assert stored_rsvps == len(guests), summary
    assert Subscriber.objects.filter(confirmation_sent_at=None).count() == 0, summary
    assert not Signature.objects.filter(verification_queued_at=None).exists(), summary
    assert not GuestMessage.objects.exclude(status="sent").exists(), summary
    people = joiners | signers | guests
    assert {a: n for a, n in received.items() if a in people} == dict.fromkeys(
        people, 1
    ), summary
    assert set(received) == people, f"unexpected recipients; {summary}"
