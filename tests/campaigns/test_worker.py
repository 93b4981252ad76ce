"""Milestone e-mails go through a real Celery worker process, after commit."""

import pytest
from django.conf import settings

from campaigns.models import Milestone
from cms.mail import outbox
from tests.factories import CampaignFactory, build_home_page, build_petition_page
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_crossing_a_threshold_over_http_mails_the_leads_through_the_worker(
    client, outbox_dir, tmp_path, private_queue
):
    home = build_home_page()
    campaign = CampaignFactory(name="Worker", slug="worker", milestone_thresholds=[10])
    petition = build_petition_page(home, campaign)
    # Without Redis the web process publishes into var/broker, so the worker reads there.
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)

    with celery_worker(
        env=env, queues=[private_queue], log_path=tmp_path / "worker.log"
    ):
        for index in range(12):
            response = client.post(
                petition.url,
                {"name": "Ana Signer", "email": f"w{index}@example.org"},
            )
            assert response.status_code == 303
        (name,) = wait_for(
            outbox.list_messages, timeout=90, what="the milestone e-mail"
        )
        wait_for(
            lambda: Milestone.objects.filter(notified_at__isnull=False).exists(),
            timeout=30,
            what="the milestone to be marked notified",
        )

    message = outbox.read_message(name)
    assert message["Subject"] == "Worker: 10 signatures reached"
    assert "lead@organizers.example.org" in message["To"]
    assert outbox.list_messages() == [name]
    log = (tmp_path / "worker.log").read_text()
    assert log.count("campaigns.tasks.notify_milestone_task[") == 2  # received, done
    assert log.count("] received") == 1
    assert "w0@example.org" not in log, "task arguments carry ids, never addresses"
