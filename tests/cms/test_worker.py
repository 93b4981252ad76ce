"""Tasks run in a real Celery worker process, on Redis or on the embedded broker."""

import uuid

import pytest
from celery import Celery
from celery.exceptions import DuplicateNodenameWarning
from celery.utils.nodenames import default_nodename
from django.conf import settings
from django.urls import reverse
from kombu import Connection

from cms.mail import outbox
from cms.tasks import send_test_email_task
from tests.factories import SuperuserFactory
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def outbox_subjects() -> list[str]:
    return [outbox.read_message(name)["Subject"] for name in outbox.list_messages()]


@pytest.mark.redis
def test_worker_consumes_task_from_redis(outbox_dir, tmp_path):
    user = SuperuserFactory(
        username="redis-admin", email="redis-admin@staff.example.org"
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = worker_env(redis_url=settings.REDIS_URL, var_dir=tmp_path / "var")

    with celery_worker(env=env, queues=[queue], log_path=tmp_path / "worker.log"):
        result = send_test_email_task.apply_async((user.pk, "en"), queue=queue)
        wait_for(
            outbox.list_messages, timeout=30, what="the worker to send the message"
        )

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    log = (tmp_path / "worker.log").read_text()
    assert f"Task cms.tasks.send_test_email_task[{result.id}] received" in log
    # Which Redis it took the task from: host, port and database, the password masked
    # by kombu ("**"), as Celery shows a redis:// URL. The log's address redaction took
    # ":**@127.0.0.1:6379" for an address; then the banner and this line named the
    # transport by its import path: "cms.broker:Transport://:**@127.0.0.1:6379/11".
    broker = Connection(settings.CELERY_BROKER_URL).as_uri()
    assert broker.startswith("redis://")
    assert f"Connected to {broker}" in log, log
    assert f".> transport:   {broker}\n" in log, log
    assert "cms.broker" not in log
    assert outbox_subjects() == ["Test message from Office of New Americans"]


@pytest.mark.redis
def test_workers_left_unnamed_are_one_node_to_remote_control(tmp_path):
    """The README's "Scaling workers": two workers started without ``--hostname`` on
    one host are both ``celery@<host>``. Neither says so as it starts; Celery's remote
    control (``celery -A cms inspect ping``, ``status``) gets two answers under one
    name, warns (DuplicateNodenameWarning) and counts one node."""
    from cms.celery import app

    env = worker_env(redis_url=settings.REDIS_URL, var_dir=tmp_path / "var")
    name = default_nodename(None)
    with (
        celery_worker(
            env=env, queues=["default"], log_path=tmp_path / "a.log", named=False
        ),
        celery_worker(
            env=env, queues=["alerts"], log_path=tmp_path / "b.log", named=False
        ),
    ):
        inspect = app.control.inspect(destination=[name], limit=2, timeout=60)
        with pytest.warns(DuplicateNodenameWarning, match=name):
            replies = inspect.ping()

    assert replies == {name: {"ok": "pong"}}
    for log in ("a.log", "b.log"):
        text = (tmp_path / log).read_text()
        assert f"{name} ready." in text
        assert "DuplicateNodename" not in text


def test_worker_consumes_task_from_embedded_broker(outbox_dir, tmp_path):
    """With no REDIS_URL the broker is files under var/broker; a worker still runs the task."""
    user = SuperuserFactory(
        username="embedded-admin", email="embedded@staff.example.org"
    )
    var_dir = tmp_path / "var"
    env = worker_env(redis_url=None, var_dir=var_dir)
    # A private var dir is a private broker already: the worker's settings must not move
    # it to an xdist worker's own folder.
    env.pop("PYTEST_XDIST_WORKER", None)
    broker_dir = var_dir / "broker"
    for folder in ("queue", "control", "processed"):
        (broker_dir / folder).mkdir(parents=True, exist_ok=True)
    # A publisher configured exactly as the web process is when REDIS_URL is unset.
    publisher = Celery("publisher", broker="filesystem://", set_as_current=False)
    publisher.conf.broker_transport_options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
    }
    publisher.conf.task_serializer = "json"

    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "worker.log"):
        result = publisher.send_task(
            "cms.tasks.send_test_email_task", args=[user.pk, "es"], queue="default"
        )
        wait_for(
            outbox.list_messages, timeout=30, what="the worker to send the message"
        )

    log = (tmp_path / "worker.log").read_text()
    # The embedded files broker: kombu's filesystem transport, written whole
    # (cms/file_broker.py), named by its folder; it was
    # "cms.file_broker:Transport://:**@localhost//", in the banner too.
    assert f"Connected to filesystem://{broker_dir / 'queue'}\n" in log, log
    assert f".> transport:   filesystem://{broker_dir / 'queue'}\n" in log, log
    assert "cms.file_broker" not in log
    assert f"Task cms.tasks.send_test_email_task[{result.id}] received" in log
    assert outbox_subjects() == ["Mensaje de prueba: Oficina de Nuevos Estadounidenses"]


@pytest.mark.redis
def test_send_me_a_test_goes_through_worker_and_is_readable_in_admin(
    client, outbox_dir, tmp_path
):
    admin = SuperuserFactory(username="ona-admin", email="ona-admin@staff.example.org")
    client.force_login(admin)
    env = worker_env(redis_url=settings.REDIS_URL, var_dir=tmp_path / "var")

    # Queued while no worker runs: nothing may be sent by the web request itself.
    response = client.post(
        reverse("cms_outbox:send_test"), {"next": reverse("cms_outbox:index")}
    )
    assert response.status_code == 302
    assert outbox.list_messages() == [], "the web request must not send inline"
    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "worker.log"):
        (name,) = wait_for(outbox.list_messages, timeout=30, what="the test message")

    listing = client.get(reverse("cms_outbox:index"))
    assert listing.status_code == 200
    assert "Test message from Office of New Americans" in listing.content.decode()
    detail = client.get(reverse("cms_outbox:message", args=[name]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "ona-admin@staff.example.org" in body
    assert "the message went through the background worker" in body


@pytest.mark.redis
def test_a_worker_started_as_the_readme_says_logs_its_tasks(outbox_dir, tmp_path):
    """No --loglevel in the README's commands: Celery set WARNING on the root logger
    and a worker sending 2,000 e-mails logged nothing (an operator's finding). Django's
    LOGGING (LOG_LEVEL, INFO) is in charge now; the worker's VAR_DIR does not exist
    yet, as on a fresh production machine, and its beat makes it."""
    user = SuperuserFactory(username="quiet-admin", email="quiet@staff.example.org")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "not-yet" / "var"
    env = worker_env(redis_url=settings.REDIS_URL, var_dir=var_dir)

    with celery_worker(
        env=env,
        queues=[queue],
        log_path=tmp_path / "worker.log",
        loglevel=None,
        beat=True,
    ):
        result = send_test_email_task.apply_async((user.pk, "en"), queue=queue)
        wait_for(
            outbox.list_messages, timeout=30, what="the worker to send the message"
        )

    log = (tmp_path / "worker.log").read_text()
    assert f"Task cms.tasks.send_test_email_task[{result.id}] received" in log
    assert (var_dir / "celerybeat-schedule").exists() or list(
        var_dir.glob("celerybeat-schedule*")
    )


def test_beat_makes_the_folder_of_its_schedule(tmp_path):
    """Under production settings nothing else makes VAR_DIR: beat exited at start."""
    from cms.celery import Schedule, app

    schedule = Schedule(
        app=app, schedule_filename=str(tmp_path / "missing" / "celerybeat-schedule")
    )
    schedule.close()
    assert list((tmp_path / "missing").glob("celerybeat-schedule*"))
