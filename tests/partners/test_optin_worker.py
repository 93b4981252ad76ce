"""Acceptance: a person added through the API gets the same double opt-in e-mail as the
signup form, in their language, sent by a real Celery worker; a retried POST and a
suppressed address send nothing."""

import re

import pytest
import requests
from django.conf import settings

from cms.mail import outbox
from subscribers.models import Subscription
from subscribers.services import suppress
from tests.factories import make_subscriber
from tests.workers import celery_worker, wait_for, worker_env

from .conftest import build_world, make_key, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_opt_in_through_the_api_in_two_languages(
    live_server, tmp_path, private_queue, outbox_dir
):
    world = build_world()
    _key, token = make_key(world)
    suppress(email="blocked@example.org", reason="complaint")
    api = live_server.url + "/api/v1"
    headers = {"Authorization": f"Bearer {token}"}

    # Known already, in Spanish: a signup that names no language keeps it.
    make_subscriber("marta@example.org", language="es")

    def signup(email: str, language: str, idempotency_key: str):
        response = requests.post(
            f"{api}/people/",
            json={
                "person": person(email, language=language),
                "lists": [world.list_a.pk],
            },
            headers={**headers, "Idempotency-Key": idempotency_key},
            timeout=30,
        )
        assert response.status_code == 202, response.text
        return response.json()

    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR,
        CELERY_BROKER_POLLING_INTERVAL="0.05",
    )
    with celery_worker(env=env, queues=[private_queue], log_path=tmp_path / "w.log"):
        answers = [
            signup("ana@example.org", "es", "row-1"),
            signup("ana@example.org", "es", "row-1"),  # a retry: nothing new
            signup("layla@example.org", "ar", "row-2"),
            signup("blocked@example.org", "es", "row-3"),
            signup("marta@example.org", "", "row-4"),
        ]
        names = wait_for(
            lambda: len(outbox.list_messages()) >= 3 and outbox.list_messages(),
            timeout=60,
            what="three confirmation e-mails",
        )
        log = (tmp_path / "w.log").read_text()
    # Nobody learns who is known (a replay's keys may come back in another order).
    assert all(answer == answers[0] for answer in answers)

    messages = {
        outbox.read_message(name)["To"]: outbox.read_message(name) for name in names
    }
    assert sorted(messages) == [
        "ana@example.org",
        "layla@example.org",
        "marta@example.org",
    ]
    assert (
        messages["ana@example.org"]["Subject"] == "Por favor, confirme su suscripción"
    )
    assert messages["layla@example.org"]["Subject"] == "يرجى تأكيد اشتراكك"
    assert (
        messages["marta@example.org"]["Subject"] == "Por favor, confirme su suscripción"
    )
    assert log.count("subscribers.tasks.send_confirmation_task[") >= 3
    assert "@example.org" not in log, "logs carry ids, never addresses"

    assert set(Subscription.objects.values_list("status", "source")) == {
        ("pending", "partner")
    }
    # Confirming is a POST with the page's CSRF token, as a person's browser does it.
    for address, prefix in (("ana@example.org", "es"), ("layla@example.org", "ar")):
        text, _html = outbox.body_parts(messages[address])
        link = re.search(
            rf"https?://\S+/{prefix}/subscribers/confirm/\S+/", text
        ).group(0)
        session = requests.Session()
        page = session.get(live_server.url + "/" + link.split("/", 3)[3], timeout=30)
        csrf = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
        ).group(1)
        session.post(
            page.url,
            data={"csrfmiddlewaretoken": csrf},
            headers={"Referer": page.url},
            timeout=30,
        )
    counts = requests.get(
        f"{api}/lists/{world.list_a.pk}/", headers=headers, timeout=30
    )
    # Two people: too few to show, but both languages are there.
    assert counts.json()["confirmed_by_language"] == {"ar": None, "es": None}
    assert "total_pending" not in counts.json()
