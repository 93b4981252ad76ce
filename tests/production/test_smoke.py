"""Production as deployed, end to end: gunicorn with cms.settings.production behind a
TLS-terminating proxy (X-Forwarded-Proto), real PostgreSQL and Redis, a worker per lane
and beat, the SMTP relay path to a loopback sink. Demo content is loaded, an editor
sends a bulletin with an image, and every link and image in what was delivered is
https on BASE_URL and answers 200 through the production server.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings

from cms.sites import sync_default_site
from tests.factories import build_home_page
from tests.smtp_sink import SmtpSink, free_port
from tests.workers import current_database_url, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
HOST = "smoke.ona.example.org"
BASE_URL = f"https://{HOST}"
# The monitor's token: /health/ shows its checks only to it (and to operators).
HEALTH_TOKEN = "smoke-monitor-" + uuid.uuid4().hex
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


def production_env(tmp_path: Path, sink: SmtpSink) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    prefix = f"smoke-{uuid.uuid4().hex[:8]}"
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DEBUG="0",
        SECRET_KEY="smoke-" + uuid.uuid4().hex * 2,
        FIELD_ENCRYPTION_KEYS=settings.FIELD_ENCRYPTION_KEYS[0],
        LOOKUP_HASH_KEY=settings.LOOKUP_HASH_KEY,
        BASE_URL=BASE_URL,
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=current_database_url(),
        REDIS_URL=settings.REDIS_URL,
        # This Redis is shared with the rest of the suite: our own keys and queues.
        CELERY_BROKER_KEY_PREFIX=prefix + ":",
        CACHE_KEY_PREFIX=prefix,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_PROVIDER="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        DEFAULT_FROM_EMAIL="Office of New Americans <news@ona.example.org>",
        BOUNCE_ADDRESS="bounces@ona.example.org",
        BEAT_HEARTBEAT_INTERVAL="1",
        DEMO_ADMIN_PASSWORD="smoke-" + uuid.uuid4().hex,
        LOG_FORMAT="json",
        HEALTH_TOKEN=HEALTH_TOKEN,
    )
    return env


class Processes:
    """Long-running processes, each in its own session; on exit all are told to stop
    at once, and any group still there after a few seconds is killed."""

    def __init__(self):
        self.children: list[subprocess.Popen] = []

    def start(self, command: list[str], env: dict[str, str], log: Path):
        with log.open("wb") as output:
            child = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.children.append(child)
        return child

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            kill(child)


def kill(child: subprocess.Popen) -> None:
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def finish(child: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    try:
        child.wait(timeout=timeout)
    finally:
        kill(child)
    assert child.returncode == 0, log.read_text()[-3000:]


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "cms", *args]


def test_production_smoke(tmp_path):
    sink = SmtpSink().start()
    env = production_env(tmp_path, sink)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    proxy = {"Host": HOST, "X-Forwarded-Proto": "https"}  # what the TLS proxy adds
    manage = [sys.executable, "manage.py"]
    logs = tmp_path / "logs"
    logs.mkdir()

    def get(path: str, **kwargs) -> requests.Response:
        return requests.get(
            origin + path, headers=proxy, allow_redirects=False, timeout=20, **kwargs
        )

    try:
        # The default Site, on BASE_URL, before anything starts: every process refuses
        # to start while the deploy checks fail (cms/startup.py).
        build_home_page()
        sync_default_site(base_url=BASE_URL)
        with Processes() as processes:
            demo = processes.start(
                [*manage, "load_demo", "--i-know-this-is-production"],
                env,
                logs / "load_demo.log",
            )
            static = processes.start(
                [*manage, "collectstatic", "--noinput", "-v0"], env, logs / "static.log"
            )
            for lane, queues in (("bulk", "default,bulk"), ("alerts", "alerts")):
                worker = [
                    "worker",
                    *("--queues", queues, "--concurrency", "1", "--loglevel", "INFO"),
                    *("--hostname", f"smoke-{lane}-{uuid.uuid4().hex[:6]}@%h"),
                    *("--without-mingle", "--without-gossip"),
                ]
                processes.start(celery(*worker), env, logs / f"worker-{lane}.log")
            beat = ["beat", "--schedule", str(tmp_path / "beat-schedule")]
            processes.start(celery(*beat), env, logs / "beat.log")
            # WhiteNoise indexes the collected files when the server starts.
            finish(static, logs / "static.log")
            gunicorn = [
                *(sys.executable, "-m", "gunicorn", "cms.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
                *("--forwarded-allow-ips", "127.0.0.1", "--no-control-socket"),
            ]
            web = processes.start(gunicorn, env, logs / "web.log")
            finish(demo, logs / "load_demo.log")

            def answers() -> bool:
                assert web.poll() is None, (logs / "web.log").read_text()[-3000:]
                try:
                    return get("/health/live/").status_code == 200
                except requests.ConnectionError:
                    return False

            wait_for(answers, timeout=90, what="gunicorn", interval=0.25)

            # An editor writes a bulletin with an image and sends it to a demo list.
            composed = subprocess.run(
                [sys.executable, "-m", "tests.production.smoke_actions"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert composed.returncode == 0, composed.stderr[-3000:]
            sent = json.loads(composed.stdout.strip().splitlines()[-1])
            assert sent["recipients"] > 0
            wait_for(
                lambda: sink.count >= sent["recipients"],
                timeout=90,
                what=f"{sent['recipients']} messages at the relay; logs in {logs}",
                interval=0.25,
            )

            messages = [
                message_from_bytes(raw, policy=policy.strict)
                for _, raw in sink.envelopes
            ]
            assert len(messages) == sent["recipients"]
            check_sender(messages, sink)
            urls = check_links(messages)
            for url in sorted(urls):
                response = get(urlsplit(url).path + _query(url))
                assert response.status_code == 200, (url, response.status_code)
                if "/media/images/" in url:
                    assert response.headers["Content-Type"] == "image/png"
                    assert "Content-Encoding" not in response.headers
                    assert response.headers["Cache-Control"].startswith("public")

            # RFC 8058: the mailbox provider's one-click POST, no cookie, no token.
            unsubscribe = messages[0]["List-Unsubscribe"].strip().strip("<>")
            one_click = requests.post(
                origin + urlsplit(unsubscribe).path,
                data={"List-Unsubscribe": "One-Click"},
                headers=proxy,
                allow_redirects=False,
                timeout=20,
            )
            assert one_click.status_code == 200

            check_static_files(get)
            # A guest RSVPs in Arabic: the owed confirmation reaches the relay through
            # the alerts lane's worker, in Arabic, right to left, links on BASE_URL.
            confirmation = rsvp_in_arabic(origin, proxy, sink, len(messages))
            assert confirmation["To"] == "layla@example.org"
            assert confirmation["Content-Language"] == "ar"
            html = confirmation.get_body(("html",)).get_content()
            assert re.search(r'<html[^>]*dir="rtl"', html)
            text = confirmation.get_body(("plain",)).get_content()
            cancel = f"{BASE_URL}/ar/events/know-your-rights-session/rsvp/cancel/"
            assert cancel in text, "the guest's own cancel link, on BASE_URL"
            assert all(
                url.startswith(f"{BASE_URL}/")
                for url in URL_IN_TEXT.findall(text)
                # The calendars' and the map's own links go to their sites.
                if not any(
                    site in url
                    for site in ("calendar.google.com", "outlook.", "openstreetmap.org")
                )
            ), text
            assert "text/calendar" in {
                part.get_content_type() for part in confirmation.walk()
            }
            # Load balancers probe by address over plain http.
            health = wait_for(
                lambda: (
                    (
                        r := requests.get(
                            origin + "/health/",
                            headers={
                                "Host": "10.1.2.3",
                                "Authorization": f"Bearer {HEALTH_TOKEN}",
                            },
                            timeout=20,
                        )
                    ).status_code
                    == 200
                    and r
                ),
                timeout=60,
                what="a healthy /health/ (a heartbeat through each lane's worker)",
                interval=0.5,
            )
            assert set(health.json()["checks"]) == {
                "database",
                "cache",
                "broker",
                "beat",
                "bulk_lane",
                "alerts_lane",
                "mailings",
            }
            assert get("/").headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        sink.stop()
        forget_keys(env["CACHE_KEY_PREFIX"])


def rsvp_in_arabic(origin: str, proxy: dict, sink: SmtpSink, before: int):
    """Fill in the demo event's RSVP form as a browser behind the TLS proxy would
    (its CSRF cookie is Secure: sent back by hand, with an https Referer); returns
    the confirmation e-mail the relay received."""
    form_path = "/ar/events/know-your-rights-session/rsvp/"
    page = requests.get(origin + form_path, headers=proxy, timeout=20)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    action = re.search(r'action="(/ar/_events/\d+/rsvp/)"', page.text)[1]
    answer = requests.post(
        origin + action,
        data={
            "csrfmiddlewaretoken": token,
            "name": "ليلى",
            "email": "layla@example.org",
            "website": "",
        },
        headers={
            **proxy,
            "Cookie": f"csrftoken={page.cookies['csrftoken']}",
            "Referer": f"{BASE_URL}{form_path}",
        },
        allow_redirects=False,
        timeout=20,
    )
    assert answer.status_code == 303, (answer.status_code, answer.text[-2000:])
    assert answer.headers["Location"].endswith("/rsvp/?sent=1")
    wait_for(
        lambda: sink.count > before,
        timeout=60,
        what="the RSVP's confirmation at the relay",
        interval=0.25,
    )
    return message_from_bytes(sink.envelopes[before][1], policy=policy.strict)


def forget_keys(prefix: str) -> None:
    """Delete this run's keys (queues, bindings, cache) from the shared Redis."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


def check_sender(messages, sink: SmtpSink) -> None:
    assert set(sink.helos) == {HOST}, "EHLO defaults to BASE_URL's host"
    for message, sender in zip(messages, sink.senders, strict=True):
        assert message["Message-ID"].endswith("@ona.example.org>")
        assert re.fullmatch(r".+ <list-\d+\.ona\.example\.org>", message["List-Id"])
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Signed with the production SECRET_KEY: its shape is all this process sees.
        assert re.fullmatch(r"bounces\+d\d+-[a-z2-7]{16}@ona\.example\.org", sender)


def check_links(messages) -> set[str]:
    """Every URL in every message (HTML links and images, the text part, the
    List-Unsubscribe header) is https on BASE_URL; returns them."""
    urls: set[str] = set()
    images = 0
    for message in messages:
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        links = Links()
        links.feed(html)
        images += len(links.images)
        found = [
            *links.hrefs,
            *links.images,
            *URL_IN_TEXT.findall(text),
            message["List-Unsubscribe"].strip().strip("<>"),
        ]
        for url in found:
            assert url.startswith(f"{BASE_URL}/"), url
            urls.add(url)
    assert images >= len(messages), "the bulletin's image is in every message"
    assert any("/media/images/" in url for url in urls)
    return urls


def check_static_files(get) -> None:
    """A phone on slow, metered data gets the page and its static files compressed
    (requests asks for gzip), the static files under hashed names kept for a year."""
    home = get("/")
    assert home.status_code == 200
    assert home.headers["Content-Encoding"] == "gzip"
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home.text)
    assert assets, "the home page links its stylesheet"
    for asset in assets:
        response = get(asset)
        assert response.status_code == 200, asset
        assert re.search(r"\.[0-9a-f]{12}\.", asset), f"not a hashed name: {asset}"
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Content-Encoding"] in ("gzip", "br"), asset
