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
from cms.tasks import beat_heartbeat_task, lane_heartbeat_task
from tests.cms.test_settings import ROOT, bare_env
from tests.factories import SuperuserFactory, UserFactory
from tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db

# The monitor's token: /health/ shows its checks to it (and to operators) only.
MONITOR = {"HTTP_AUTHORIZATION": "Bearer monitor-token-for-tests"}


@pytest.fixture(autouse=True)
def health_token(settings):
    settings.HEALTH_TOKEN = "monitor-token-for-tests"


def every_lane_beats() -> None:
    """What beat makes a worker of each lane run every BEAT_HEARTBEAT_INTERVAL."""
    beat_heartbeat_task()
    lane_heartbeat_task("bulk")
    lane_heartbeat_task("alerts")


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
    every_lane_beats()
    response = client.get("/health/", HTTP_HOST="10.0.3.7", **MONITOR)
    report = response.json()
    assert response.status_code == 200, report
    assert report["status"] == "ok"
    assert set(report["checks"]) == {
        "database",
        "cache",
        "broker",
        "beat",
        "bulk_lane",
        "alerts_lane",
        "mailings",
    }
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["beat"]["age_seconds"] < 60


def test_anyone_gets_the_status_only_the_monitor_and_operators_the_checks(
    client, settings
):
    """The tester's report: anyone could read the database, cache and broker timings,
    the heartbeats and the stuck-mailing count at /health/."""
    from django.contrib.auth.models import Permission

    settings.HEALTH_BEAT_MAX_AGE = 300
    every_lane_beats()
    anonymous = client.get("/health/")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ok"}
    for wrong in ("Bearer nope", "Bearer ", "monitor-token-for-tests", "Basic x"):
        assert client.get("/health/", HTTP_AUTHORIZATION=wrong).json() == {
            "status": "ok"
        }
    assert "checks" in client.get("/health/", **MONITOR).json()

    # A failure still says so by its status code, still without the details.
    Heartbeat.objects.filter(name="lane:alerts").delete()
    failing = client.get("/health/")
    assert failing.status_code == 503
    assert failing.json() == {"status": "fail"}
    detailed = client.get("/health/", **MONITOR)
    assert detailed.status_code == 503
    assert detailed.json()["checks"]["alerts_lane"]["error"] == "no heartbeat yet"

    # Signed-in staff without the operations permission: the status only.
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get("/health/").json() == {"status": "fail"}
    # Those who see Admin -> Queues and health see the checks here too.
    staff.user_permissions.add(
        Permission.objects.get(
            codename="view_operations", content_type__app_label="cms"
        )
    )
    assert "checks" in client.get("/health/").json()
    client.force_login(SuperuserFactory())
    assert "checks" in client.get("/health/").json()

    # No token configured: no bearer opens the checks.
    settings.HEALTH_TOKEN = ""
    client.logout()
    assert client.get("/health/", HTTP_AUTHORIZATION="Bearer ").json() == {
        "status": "fail"
    }


def test_stale_or_missing_beat_heartbeat_is_unhealthy(client, settings):
    settings.HEALTH_BEAT_MAX_AGE = 300
    Heartbeat.objects.filter(name="beat").delete()
    missing = client.get("/health/", **MONITOR)
    assert missing.status_code == 503
    assert missing.json()["checks"]["beat"] == {
        "ok": False,
        "error": "no heartbeat yet",
        "ms": missing.json()["checks"]["beat"]["ms"],
    }

    Heartbeat.objects.create(name="beat", at=timezone.now() - timedelta(minutes=10))
    stale = client.get("/health/", **MONITOR)
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


def test_the_operations_permission_is_granted_on_the_groups_screen(client):
    """An on-call operator who watches the queues need not be an administrator (who
    reads every subscriber): Settings > Groups offers "Can see queue depths and the
    health of services", and a group given it opens Queues and health. The screen
    did not offer it, so only a shell could grant it."""
    from django.contrib.auth.models import Group, Permission
    from django.urls import reverse
    from wagtail.users.forms import GroupForm

    permission = Permission.objects.get(
        codename="view_operations", content_type__app_label="cms"
    )
    assert permission in GroupForm().fields["permissions"].queryset
    client.force_login(SuperuserFactory())
    screen = client.get(reverse("wagtailusers_groups:add")).content.decode()
    assert f'value="{permission.pk}"' in screen
    assert "Can see queue depths and the health of services" in screen

    operators = Group.objects.create(name="On call")
    operators.permissions.add(
        permission, Permission.objects.get(codename="access_admin")
    )
    operator = UserFactory()
    operator.groups.add(operators)
    client.force_login(operator)
    assert client.get("/admin/operations/").status_code == 200


def test_a_lane_without_a_worker_is_unhealthy_and_named(client, settings):
    """The operator's report: the alerts worker killed, /health/ stayed 200."""
    settings.HEALTH_BEAT_MAX_AGE = 300
    every_lane_beats()
    Heartbeat.objects.filter(name="lane:alerts").update(
        at=timezone.now() - timedelta(minutes=10)
    )
    response = client.get("/health/", **MONITOR)
    report = response.json()
    assert response.status_code == 503
    assert report["status"] == "fail"
    assert report["checks"]["alerts_lane"]["ok"] is False
    assert report["checks"]["alerts_lane"]["error"] == "no heartbeat for 600 s"
    assert report["checks"]["bulk_lane"]["ok"] is True
    assert report["checks"]["beat"]["ok"] is True

    Heartbeat.objects.filter(name="lane:bulk").delete()
    report = client.get("/health/", **MONITOR).json()
    assert report["checks"]["bulk_lane"]["error"] == "no heartbeat yet"


@pytest.mark.django_db(transaction=True)
def test_beat_puts_each_lane_heartbeat_on_that_lane(tmp_path):
    """A real worker (with beat) taking only the alerts queue, as when the bulk and
    default workers are down: only the alerts lane's heartbeat is written."""
    from django.conf import settings

    from tests.workers import celery_worker, purge_queues, wait_for, worker_env

    Heartbeat.objects.all().delete()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        BEAT_HEARTBEAT_INTERVAL="1",
    )
    try:
        with celery_worker(
            env=env, queues=["alerts"], log_path=tmp_path / "w.log", beat=True
        ):
            wait_for(
                lambda: Heartbeat.objects.filter(name="lane:alerts").exists(),
                timeout=60,
                what="the alerts lane's heartbeat",
            )
    finally:
        purge_queues()  # what beat queued for the lanes nobody took
    assert not Heartbeat.objects.filter(name__in=["beat", "lane:bulk"]).exists()


def test_a_mailing_without_progress_fails_health_and_shows_in_the_admin(
    client, settings, home_page
):
    from campaigns.mailings.models import Mailing
    from tests.factories import build_bulletin

    settings.HEALTH_ALERT_STUCK_AFTER = 120
    settings.HEALTH_MAILING_STUCK_AFTER = 900
    every_lane_beats()
    page = build_bulletin(title="Rally moved to Daley Plaza")
    quiet = timezone.now() - timedelta(minutes=5)
    bulletin = Mailing.objects.create(
        page=page, lane="bulk", status="sending", last_progress_at=quiet
    )
    assert client.get("/health/", **MONITOR).status_code == 200, (
        "bulk may wait 15 minutes"
    )

    alert = Mailing.objects.create(
        page=page, lane="alerts", status="starting", last_progress_at=quiet
    )
    response = client.get("/health/", **MONITOR)
    assert response.status_code == 503
    assert response.json()["checks"]["mailings"]["stuck"] == 1
    assert response.json()["checks"]["mailings"]["error"] == "1 without progress"
    assert "Rally" not in response.content.decode(), "titles stay in the admin"

    client.force_login(SuperuserFactory())
    text = client.get("/admin/operations/").content.decode()
    assert "Mailings without progress" in text
    assert f"/admin/mailings/{alert.pk}/" in text
    assert f"/admin/mailings/{bulletin.pk}/" not in text
    assert "1 mailing without progress" in text


def test_health_is_answered_from_a_recent_report(
    client, settings, django_assert_num_queries
):
    """/health/ is public: a flood of requests costs one run per HEALTH_CACHE_SECONDS."""
    every_lane_beats()
    settings.HEALTH_CACHE_SECONDS = 0
    first = client.get("/health/", **MONITOR)  # a fresh run, kept for the next minute
    settings.HEALTH_CACHE_SECONDS = 60
    assert first.status_code == 200
    Heartbeat.objects.all().delete()
    with django_assert_num_queries(0):
        again = client.get("/health/", **MONITOR)
    assert again.json() == first.json()

    settings.HEALTH_CACHE_SECONDS = 0
    assert client.get("/health/", **MONITOR).status_code == 503


def test_a_monitor_polling_an_outage_logs_its_changes_not_every_503(
    client, settings, caplog
):
    """The operator's report: each 503 of /health/ was an ERROR line from
    django.request ("Service Unavailable: /health/"), so a monitor polling every few
    seconds through an outage filled the log (and paged whoever watches its errors).
    Now each web process says once when checks start failing (which ones, why), again
    only when that changes, and once when all pass again."""
    import logging

    settings.HEALTH_CACHE_SECONDS = 0  # every request a fresh report
    settings.HEALTH_BEAT_MAX_AGE = 300
    every_lane_beats()
    client.get("/health/")  # healthy: the process's last report is a pass
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for age in range(600, 605):  # the alerts worker gone, its heartbeat ageing
            Heartbeat.objects.filter(name="lane:alerts").update(
                at=timezone.now() - timedelta(seconds=age)
            )
            assert client.get("/health/").status_code == 503
            assert client.get("/health/", **MONITOR).status_code == 503
        Heartbeat.objects.filter(name="beat").delete()
        assert client.get("/health/").status_code == 503
        every_lane_beats()
        assert client.get("/health/").status_code == 200
        assert client.get("/health/").status_code == 200
    lines = [(r.levelname, r.name, r.getMessage()) for r in caplog.records]
    assert not [line for line in lines if line[1] == "django.request"], lines
    assert lines == [
        (
            "WARNING",
            "cms.health",
            "Health checks failing: alerts_lane (no heartbeat for 600 s)",
        ),
        (
            "WARNING",
            "cms.health",
            "Health checks failing: beat (no heartbeat yet), "
            "alerts_lane (no heartbeat for 604 s)",
        ),
        ("INFO", "cms.health", "Health checks pass again"),
    ]
