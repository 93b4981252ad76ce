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
        wait_for(
            lambda: len(outbox.list_messages()) == 2,
            timeout=90,
            what="the milestone e-mail to each of the two leads",
        )
        wait_for(
            lambda: Milestone.objects.filter(notified_at__isnull=False).exists(),
            timeout=30,
            what="the milestone to be marked notified",
        )

    names = outbox.list_messages()
    found = [outbox.read_message(name) for name in names]
    assert {message["Subject"] for message in found} == {
        "Worker: 10 signatures reached"
    }
    assert sorted(message["To"] for message in found) == [
        "lead@organizers.example.org",
        "second-lead@organizers.example.org",
    ]
    assert len(names) == 2
    log = (tmp_path / "worker.log").read_text()
    assert log.count("campaigns.tasks.notify_milestone_task[") == 2  # received, done
    assert log.count("] received") == 1
    assert "w0@example.org" not in log, "task arguments carry ids, never addresses"


def test_a_worker_killed_between_two_leads_messages_loses_neither(
    outbox_dir, tmp_path, private_queue, settings
):
    """kill -9 after the first lead's message and before the second's: the milestone
    stayed claimed and the second lead never heard of it. The claim is a lease: the
    resend task (beat) queues it again once it is stale, and the next worker mails
    the second lead alone."""
    import os
    import signal

    from campaigns.services.counters import (
        record_milestone,
        renotify_unqueued_milestones,
    )
    from tests.fake_esp import FakeMailgun

    campaign = CampaignFactory(name="Killed", slug="killed", milestone_thresholds=[10])
    provider = FakeMailgun().start()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    mailgun = {
        "EMAIL_PROVIDER": "mailgun",
        **{
            f"ANYMAIL_{key}": value
            for key, value in provider.anymail_settings().items()
        },
    }
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir, **mailgun)
    try:
        provider.hold(after=1)  # the first lead's message goes, the second waits
        with celery_worker(
            env=env, queues=[private_queue], log_path=tmp_path / "worker1.log"
        ) as worker:
            milestone = record_milestone(
                campaign_id=campaign.pk, kind="signatures", threshold=10
            )
            wait_for(
                lambda: provider.held >= 1,
                timeout=90,
                what="the second lead's message in flight",
            )
            os.killpg(os.getpgid(worker.pid), signal.SIGKILL)
            worker.wait()
        # The provider never got the second message: the dead worker's call fails.
        provider.faults.fail_next = [503]
        provider.release()
        wait_for(lambda: provider.failed_calls == 1, timeout=30, what="dead call")
        assert provider.recipients() == ["lead@organizers.example.org"]
        milestone.refresh_from_db()
        assert milestone.notified_at is None
        assert milestone.notify_claimed_at is not None

        # Beat's resend task, once the dead worker's lease has expired.
        settings.EMAIL_RESEND_GRACE = 0
        settings.MILESTONE_NOTIFY_LEASE_SECONDS = 0
        with celery_worker(
            env={**env, "MILESTONE_NOTIFY_LEASE_SECONDS": "0"},
            queues=[private_queue],
            log_path=tmp_path / "worker2.log",
        ):
            assert renotify_unqueued_milestones() == 1
            wait_for(
                lambda: Milestone.objects.filter(
                    pk=milestone.pk, notified_at__isnull=False
                ).exists(),
                timeout=90,
                what="the milestone to be marked notified",
            )
    finally:
        provider.release()
        provider.stop()
    assert sorted(provider.recipients()) == [
        "lead@organizers.example.org",
        "second-lead@organizers.example.org",
    ]
    milestone.refresh_from_db()
    assert milestone.leads_mailed is None
    assert milestone.notify_claimed_at is None
