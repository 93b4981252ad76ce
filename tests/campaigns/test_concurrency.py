"""Acceptance: a burst of signers across thresholds, against real PostgreSQL over HTTP.

50 browsers-worth of requests sign at the same instant (10% of them repeat an address
another request is using), through live_server's threaded WSGI server, while a real
Celery worker process sends the lead notifications.
"""

import re
import threading

import pytest
import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Counter, Milestone, Signature
from cms.mail import outbox
from subscribers import crypto
from tests.factories import CampaignFactory, build_home_page, build_petition_page
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 50
REPEATS = 5  # 10%: these reuse an address another request in the burst also sends
EARLIER = 20
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def seed_earlier_signatures(campaign, page, count: int) -> None:
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            campaign=campaign,
            page=page,
            email=f"earlier{index}@example.org",
            email_hash=crypto.lookup_hash(f"earlier{index}@example.org"),
            mailbox_hash=crypto.lookup_hash(f"earlier{index}@example.org"),
            status=Signature.Status.VERIFIED,
            created_at=now,
            verified_at=now,
        )
        for index in range(count)
    )
    Counter.objects.create(campaign=campaign, kind="signatures", value=count)
    Milestone.objects.create(
        campaign=campaign,
        counter="signatures",
        threshold=10,
        reached_at=now,
        notified_at=now,
    )


def test_burst_of_signers_counts_exactly_and_announces_each_milestone_once(
    live_server, outbox_dir, tmp_path, private_queue, no_rate_limits
):
    home = build_home_page()
    campaign = CampaignFactory(
        name="Burst", slug="burst", milestone_thresholds=[10, 25, 50, 100]
    )
    petition = build_petition_page(home, campaign)
    seed_earlier_signatures(campaign, petition, EARLIER)

    distinct = [f"signer{index}@example.org" for index in range(REQUESTS - REPEATS)]
    emails = distinct + distinct[:REPEATS]
    url = live_server.url + petition.url
    action = live_server.url + reverse("campaigns:sign", args=[petition.pk])

    sessions, tokens = [], []
    for _ in emails:
        session = requests.Session()
        tokens.append(CSRF.search(session.get(url, timeout=30).text).group(1))
        sessions.append(session)

    barrier = threading.Barrier(len(emails))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def sign(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            response = sessions[index].post(
                action,
                data={
                    "csrfmiddlewaretoken": tokens[index],
                    "name": "Ana Signer",
                    "email": emails[index],
                    "zip_code": "60608",
                    "website": "",
                },
                headers={"Referer": url},
                allow_redirects=False,
                timeout=120,
            )
            statuses.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)

    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=tmp_path / "var")
    with celery_worker(
        env=env, queues=[private_queue], log_path=tmp_path / "worker.log"
    ):
        threads = [threading.Thread(target=sign, args=(i,)) for i in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)

        assert errors == []
        assert statuses == [303] * REQUESTS
        wait_for(
            lambda: len(outbox.list_messages()) >= 4,
            timeout=90,
            what="the worker to send both milestone e-mails to both leads",
        )
        # Give a stray duplicate the chance to show up before counting.
        wait_for(
            lambda: Milestone.objects.filter(notified_at=None).count() == 0,
            timeout=30,
            what="every milestone to be marked notified",
        )

    expected = EARLIER + len(set(emails))
    counter = Counter.objects.get(campaign=campaign, kind="signatures")
    assert counter.value == expected == 65
    assert Signature.objects.filter(campaign=campaign).count() == expected
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [10, 25, 50]
    subjects = sorted(
        outbox.read_message(name)["Subject"] for name in outbox.list_messages()
    )
    assert subjects == [  # one message for each of the two leads
        "Burst: 25 signatures reached",
        "Burst: 25 signatures reached",
        "Burst: 50 signatures reached",
        "Burst: 50 signatures reached",
    ]
    log = (tmp_path / "worker.log").read_text()
    assert log.count("campaigns.tasks.notify_milestone_task[") >= 2
    assert log.count("] received") == 2
