"""During a real send, no e-mail address or name crosses Redis or reaches a log.

A real Celery worker sends a bulletin to named subscribers through the fake provider
while a signup queues its confirmation. Every command Redis receives is recorded
(MONITOR), Celery's base64 bodies are decoded, every key left behind is read, and the
worker's and this process's logs are kept; none may hold an address or a name.
"""

import base64
import json
import logging
import threading
import uuid

import pytest
import redis
from django.conf import settings

from campaigns.mailings.models import Delivery
from campaigns.mailings.services import control
from subscribers import services
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import SuperuserFactory, build_bulletin
from tests.fake_esp import FakeMailgun
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
]


class Monitor(threading.Thread):
    """Every command the Redis server receives while the test runs."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.client = redis.Redis.from_url(url)
        self.commands: list[str] = []
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self):
        with self.client.monitor() as monitor:
            self.ready.set()
            for event in monitor.listen():
                self.commands.append(event["command"])
                if self.stop.is_set():
                    break


def decoded(text: str) -> str:
    """The text plus any Celery message body inside it, base64-decoded."""
    out = [text]
    for start in [i for i, c in enumerate(text) if c == "{"][:50]:
        try:
            message, _ = json.JSONDecoder().raw_decode(text[start:])
        except ValueError:
            continue
        if isinstance(message, dict) and isinstance(message.get("body"), str):
            try:
                out.append(base64.b64decode(message["body"]).decode("utf-8", "replace"))
            except ValueError:
                out.append(message["body"])
    return "\n".join(out)


def redis_contents(url: str) -> str:
    client = redis.Redis.from_url(url, decode_responses=False)
    parts = []
    for key in client.scan_iter(count=1000):
        parts.append(key.decode("utf-8", "replace"))
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key) or b""]
        elif kind == "list":
            values = client.lrange(key, 0, -1)
        elif kind == "hash":
            values = [v for pair in client.hgetall(key).items() for v in pair]
        elif kind == "set":
            values = list(client.smembers(key))
        elif kind == "zset":
            values = [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
        else:
            values = []
        parts += [decoded(v.decode("utf-8", "replace")) for v in values]
    return "\n".join(parts)


def test_a_send_carries_ids_only(home_page, tmp_path, caplog):
    tag = uuid.uuid4().hex[:10]
    people = {
        f"ana.{tag}@example.org": f"Ana{tag}",
        f"li.{tag}@example.org": f"Li{tag}",
        f"omar.{tag}@example.org": f"Omar{tag}",
    }
    newcomer = (f"new.{tag}@example.org", f"Newcomer{tag}")
    (legal,) = lists(1)
    for address, name in people.items():
        subscribe(address, [legal], name=name, language="es")
    page = build_bulletin(title=f"Bulletin {tag}")
    fake = FakeMailgun().start()
    monitor = Monitor(settings.REDIS_URL)
    monitor.start()
    monitor.ready.wait(10)
    caplog.set_level(logging.DEBUG)
    env = worker_env(
        redis_url=settings.REDIS_URL,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
    )
    log = tmp_path / "worker.log"
    # Earlier tests leave tasks on these shared queues (published on commit with no worker
    # running); with ids reused after their rollback they would mail other addresses here.
    redis.Redis.from_url(settings.REDIS_URL).delete("default", "bulk", "alerts")
    try:
        with celery_worker(env=env, queues=["default", "bulk", "alerts"], log_path=log):
            admin = SuperuserFactory(username=f"admin-{tag}")
            mailing = control.create_mailing(user=admin, page=page, list_ids=[legal.pk])
            control.send_now(user=admin, mailing_id=mailing.pk)
            services.request_signup(
                email=newcomer[0],
                name=newcomer[1],
                language="pl",
                list_ids=[legal.pk],
                source="signup",
            )
            wait_for(
                lambda: (
                    Delivery.objects.filter(mailing=mailing, status="sent").count()
                    == len(people)
                ),
                timeout=90,
                what="the bulletin to be sent",
            )
            wait_for(
                lambda: (
                    b"send_confirmation" in log.read_bytes()
                    and b"succeeded" in log.read_bytes().split(b"send_confirmation")[-1]
                ),
                timeout=60,
                what="the confirmation task",
            )
    finally:
        monitor.stop.set()
        fake.stop()
    assert set(fake.recipients()) == {*people, newcomer[0]}, (
        "the sends themselves worked"
    )
    secrets = [*people, *people.values(), *newcomer]
    sources = {
        "redis commands": "\n".join(decoded(c) for c in monitor.commands),
        "redis keys and values": redis_contents(settings.REDIS_URL),
        "worker log": log.read_text(errors="replace"),
        "test-process log": caplog.text,
    }
    assert "send_batch" in sources["redis commands"], "the monitor saw the tasks"
    leaks = {
        where: [secret for secret in secrets if secret in text]
        for where, text in sources.items()
    }
    assert all(not found for found in leaks.values()), leaks
