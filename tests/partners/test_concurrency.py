"""Acceptance: 100 API signatures at the same instant on PostgreSQL count exactly, and
each milestone they cross is recorded once, as for the petition page's form."""

import threading
import uuid

import pytest
import requests

from campaigns.models import Counter, Milestone, Signature

from .conftest import build_world, make_key, person
from .servers import gunicorn_server

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SIGNERS = 100
REPEATS = 10  # these reuse an address another request of the burst also sends


def test_one_hundred_concurrent_api_signatures_count_exactly(tmp_path):
    world = build_world()
    campaign = world.campaign_a
    campaign.milestone_thresholds = [10, 25, 50, 100, 250]
    campaign.save()
    key, token = make_key(world)
    key.rate_limit_per_minute = 10_000
    key.save()
    emails = [f"signer{n}@example.org" for n in range(SIGNERS)]
    emails += emails[:REPEATS]
    retried = 5  # and these are sent twice with the same Idempotency-Key
    keys = [uuid.uuid4().hex for _ in emails]
    jobs = list(zip(emails, keys, strict=True)) + list(
        zip(emails[:retried], keys[:retried], strict=True)
    )

    barrier = threading.Barrier(len(jobs))
    statuses: list[int] = []
    errors: list[BaseException] = []

    with gunicorn_server(
        var_dir=tmp_path / "var",
        RATE_LIMIT_PETITION_PER_ADDRESS="off",
        RATE_LIMIT_PETITION_PER_CLIENT="off",
    ) as base:
        url = f"{base}/api/v1/petitions/{world.petition_a.pk}/signatures/"
        sessions = [requests.Session() for _ in jobs]

        def sign(index: int) -> None:
            email, idempotency_key = jobs[index]
            try:
                barrier.wait(timeout=60)
                response = sessions[index].post(
                    url,
                    json={"person": person(email)},
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": idempotency_key,
                    },
                    timeout=120,
                )
                statuses.append(response.status_code)
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        threads = [threading.Thread(target=sign, args=(i,)) for i in range(len(jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        count = requests.get(
            f"{base}/api/v1/petitions/{world.petition_a.pk}/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()["total_signatures"]

    assert errors == []
    assert statuses == [202] * len(jobs)
    assert count == SIGNERS
    assert Counter.objects.get(campaign=campaign, kind="signatures").value == SIGNERS
    assert Signature.objects.filter(campaign=campaign).count() == SIGNERS
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [10, 25, 50, 100]
