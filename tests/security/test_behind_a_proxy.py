"""A real gunicorn under the production settings, behind a (simulated) reverse proxy:
every request arrives from 127.0.0.1 with the visitor in X-Forwarded-For, as the
audit's deployment had it.

- Rate limits are per visitor, not per proxy (finding 2: the whole site shared one
  bucket, and RSVP answered 429 to everyone from the 11th request).
- gunicorn's access log (cms/gunicorn_conf.py) holds no link token, no client IP and
  no address (finding 7: 391 token URLs in the access log).
- Redis holds no client address in any form a dictionary of IPs can recover
  (finding 9: 314 IPs recovered from the signup limiter's keys in 7 s).
"""

import hashlib
import re
import subprocess
import sys
import uuid

import pytest
import requests
from django.conf import settings

from events.models import Rsvp
from subscribers import tokens
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import MailingListFactory, UserFactory, build_event
from tests.smtp_sink import free_port
from tests.workers import ROOT, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
CSRF = "c" * 32
VISITORS = [f"198.51.100.{n}" for n in range(1, 13)]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, django_db_setup):
    """collectstatic once: production serves hashed files from a manifest."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(root, tmp_path_factory.mktemp("var"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return root


def production_env(static_root, var_dir, **extra) -> dict[str, str]:
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        # Links and rows were made under the test run's keys.
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        LOOKUP_HASH_KEY=settings.LOOKUP_HASH_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        EMAIL_PROVIDER="outbox",
        OUTBOX_DIR=str(var_dir / "outbox"),
        PAGE_CACHE_SECONDS="0",
        TRUSTED_PROXY_COUNT="1",
        RATE_LIMIT_RSVP_PER_CLIENT="3/1h",
        LOGIN_FAILURE_LIMIT="3",
        # The deploy checks (a https BASE_URL, the Site on it...) have their own tests
        # (tests/cms/test_checks.py); this server answers http on 127.0.0.1.
        STARTUP_CHECKS="0",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def server(static_root, tmp_path_factory):
    """gunicorn -c python:cms.gunicorn_conf, as the README runs it; yields (url, log,
    namespace). Two workers on a shared Redis; one without Redis (per-process cache)."""
    var_dir = tmp_path_factory.mktemp("web")
    namespace = uuid.uuid4().hex
    env = production_env(static_root, var_dir, RATELIMIT_NAMESPACE=namespace)
    port = free_port()
    log = var_dir / "gunicorn.log"
    workers = "2" if settings.REDIS_URL else "1"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:cms.gunicorn_conf",
                "cms.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
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
            answer = requests.get(base + "/", headers=proxied("192.0.2.1"), timeout=5)
            return answer.status_code < 500
        except requests.RequestException:
            return False

    try:
        try:
            wait_for(up, timeout=90, what="gunicorn to answer", interval=0.3)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{log.read_text()[-3000:]}") from None
        yield base, log, namespace
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def proxied(visitor: str, *, spoofed: str = "", **headers) -> dict[str, str]:
    """What our proxy forwards: the visitor it saw appended to whatever came in."""
    forwarded = f"{spoofed}, {visitor}" if spoofed else visitor
    return {"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https", **headers}


def post_form(base, path, data, *, visitor, spoofed=""):
    headers = proxied(
        visitor,
        spoofed=spoofed,
        Cookie=f"csrftoken={CSRF}",
        Referer=f"https://{base.split('//', 1)[1]}{path}",
    )
    return requests.post(
        base + path,
        data={**data, "csrfmiddlewaretoken": CSRF},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def rsvp(base, event, email, *, visitor, spoofed=""):
    data = {"name": "Ana Morales", "email": email, "website": ""}
    return post_form(base, event.url + "rsvp/", data, visitor=visitor, spoofed=spoofed)


def test_limits_are_per_visitor_and_the_log_keeps_no_secrets(server):
    base, log, _ = server
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    legal = MailingListFactory(slug="legal")
    ana = subscribe("ana@example.org", [legal], name="Ana")

    # Twelve visitors behind one proxy: each is somebody, nobody is locked out.
    codes = [
        rsvp(base, event, f"guest{n}@example.org", visitor=address).status_code
        for n, address in enumerate(VISITORS)
    ]
    assert codes == [303] * len(VISITORS)
    # One visitor past RATE_LIMIT_RSVP_PER_CLIENT (3/1h) is stopped, however they
    # dress up X-Forwarded-For.
    noisy = [
        rsvp(
            base,
            event,
            f"noisy{n}@example.org",
            visitor="203.0.113.9",
            spoofed=f"10.9.9.{n}",
        ).status_code
        for n in range(4)
    ]
    assert noisy == [303, 303, 303, 429]
    assert Rsvp.objects.count() == len(VISITORS) + 3

    # Links with tokens, in the path and in the Referer a page's own requests carry.
    preferences = f"/subscribers/preferences/{tokens.make_preferences_token(ana.pk)}/"
    unsubscribe = f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(ana.pk)}/"
    for path in (preferences, unsubscribe):
        page = requests.get(
            base + path,
            headers=proxied("198.51.100.77", Referer=f"https://127.0.0.1{path}"),
            timeout=30,
        )
        assert page.status_code == 200
    requests.get(
        base + "/static/css/site.css",
        headers=proxied("198.51.100.77", Referer=f"https://127.0.0.1{preferences}"),
        timeout=30,
    )

    def logged() -> str:
        text = log.read_text()
        return text if text.count("/subscribers/") >= 3 else ""

    written = wait_for(logged, timeout=20, what="the access log lines")
    assert "/subscribers/preferences/<token>/" in written
    assert "/subscribers/unsubscribe/<token>/" in written
    for secret in (preferences.split("/")[-2], unsubscribe.split("/")[-2]):
        assert secret not in written
    for address in [*VISITORS, "198.51.100.77", "203.0.113.9"]:
        assert not re.search(rf"(?<![\d.]){re.escape(address)}(?![\d.])", written)
    assert "ana@example.org" not in written


@pytest.mark.redis
def test_redis_holds_no_client_address(server):
    """After RSVPs and failed sign-ins from many addresses, hash every one of them
    every way a plain hash would: no key, no value in Redis matches."""
    import redis

    base, _, namespace = server
    event = build_event(title="Lobby day", rsvp_mode="internal")
    UserFactory(username="organizer", password="the-right-passphrase-42")
    addresses = [f"203.0.113.{n}" for n in range(20, 60)]
    for n, address in enumerate(addresses):
        rsvp(base, event, f"p{n}@example.org", visitor=address)
        post_form(
            base,
            "/admin/login/",
            {"username": "organizer", "password": f"wrong-{n}"},
            visitor=address,
        )
    client = redis.Redis.from_url(settings.REDIS_URL)
    dump = b"\n".join(
        key + b"=" + (client.dump(key) or b"") for key in client.scan_iter(count=1000)
    )
    assert b":rsvp.client:" in dump, "the limiters wrote here"
    assert b"axes-" in dump, "django-axes wrote here"
    candidates = []
    for address in addresses:
        candidates += [
            address,
            f"ip:{address}",
            f"ip_address={address}",
            address + "organizer",
        ]
    for text in candidates:
        assert text.encode() not in dump
        for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
            assert digest(text.encode()).hexdigest()[:16].encode() not in dump, text
    for username in ("organizer", "Organizer"):
        assert hashlib.sha256(username.encode()).hexdigest().encode() not in dump
    assert namespace  # the server counted under its own namespace
