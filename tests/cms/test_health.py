"""The health endpoint for load balancers, the beat heartbeat, and queue depths per lane
(the same numbers the admin's "Queues and health" page shows)."""

import json
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import Heartbeat
from cms.queues import queue_depths
from cms.tasks import beat_heartbeat_task
from tests.cms.test_settings import ROOT, bare_env
from tests.factories import SuperuserFactory, UserFactory
from tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db


def test_liveness_answers_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["ona.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/live/", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    # Any other path from that host is still refused (the host check still applies).
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_ready_when_every_service_answers_and_beat_is_recent(client, settings):
    settings.ALLOWED_HOSTS = ["ona.example.org"]
    beat_heartbeat_task()  # what beat makes a worker run every BEAT_HEARTBEAT_INTERVAL
    response = client.get("/health/", HTTP_HOST="10.0.3.7")
    report = response.json()
    assert response.status_code == 200, report
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "cache", "broker", "beat"}
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["beat"]["age_seconds"] < 60


def test_stale_or_missing_beat_heartbeat_is_unhealthy(client, settings):
    settings.HEALTH_BEAT_MAX_AGE = 300
    Heartbeat.objects.filter(name="beat").delete()
    missing = client.get("/health/")
    assert missing.status_code == 503
    assert missing.json()["checks"]["beat"] == {
        "ok": False,
        "error": "no heartbeat yet",
        "ms": missing.json()["checks"]["beat"]["ms"],
    }

    Heartbeat.objects.create(name="beat", at=timezone.now() - timedelta(minutes=10))
    stale = client.get("/health/")
    assert stale.status_code == 503
    assert stale.json()["checks"]["beat"]["ok"] is False
    assert stale.json()["checks"]["database"]["ok"] is True


def test_unreachable_cache_and_broker_make_it_unhealthy(tmp_path):
    """A real process whose Redis is gone: both fail, by exception class only."""
    port = free_port()  # nothing listens there
    probe = (
        "import json, django; django.setup(); "
        "from cms.health import check_broker, check_cache, _timed; "
        "print(json.dumps({'cache': _timed(check_cache), 'broker': _timed(check_broker)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=bare_env(
            DJANGO_SETTINGS_MODULE="cms.settings.test",
            VAR_DIR=str(tmp_path),
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["cache"]["ok"] is False
    assert report["broker"]["ok"] is False
    assert "Error" in report["broker"]["error"]
    assert str(port) not in result.stdout


def test_queue_depths_count_waiting_tasks_per_lane(settings):
    """Tasks published with no worker listening wait in the broker; depths read them."""
    from cms.celery import app

    lane = f"test-lane-{uuid.uuid4().hex[:8]}"
    settings.CELERY_QUEUES_ALL = [lane, "alerts"]
    before = queue_depths()
    assert before[lane] == 0
    for _ in range(3):
        app.send_task("cms.tasks.beat_heartbeat_task", queue=lane)
    try:
        assert queue_depths()[lane] == 3
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(lane)
    assert queue_depths()[lane] == 0


def test_admin_queues_page_needs_its_permission(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/operations/").status_code in {302, 403}

    client.force_login(SuperuserFactory())
    beat_heartbeat_task()
    page = client.get("/admin/operations/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Queues and health" in text
    for lane in ("alerts", "bulk", "default"):
        assert f"<code>{lane}</code>" in text
    assert "Message broker" in text
