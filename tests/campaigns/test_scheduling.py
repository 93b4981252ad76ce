"""Scheduled mailings start from the database, exactly once, and never after send-by."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import sending, starting
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe


@pytest.mark.django_db
def test_due_mailing_dispatched_once_even_when_two_beats_run(home_page):
    (legal,) = lists(1)
    due = Mailing.objects.create(
        page=home_page,
        status="scheduled",
        scheduled_at=timezone.now() - timedelta(seconds=1),
    )
    Mailing.objects.create(
        page=home_page,
        status="scheduled",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    with mock.patch(
        "campaigns.mailings.tasks.start_mailing_task.apply_async"
    ) as enqueue:
        assert starting.dispatch_due_mailings() == [due.pk]
        assert starting.dispatch_due_mailings() == []
    enqueue.assert_called_once_with((due.pk,), queue="bulk")
    assert Mailing.objects.get(pk=due.pk).status == Mailing.Status.STARTING


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_dispatchers_never_both_win(home_page):
    mailings = [
        Mailing.objects.create(
            page=home_page,
            status="scheduled",
            scheduled_at=timezone.now() - timedelta(seconds=1),
        )
        for _ in range(20)
    ]
    won: list[int] = []
    barrier = threading.Barrier(4)

    def beat():
        barrier.wait()
        try:
            won.extend(starting.dispatch_due_mailings())
        finally:
            connection.close()

    with mock.patch("campaigns.mailings.tasks.start_mailing_task.apply_async"):
        threads = [threading.Thread(target=beat) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(won) == sorted(m.pk for m in mailings), (
        f"dispatched {len(won)} for 20"
    )


@pytest.mark.django_db
def test_past_send_by_sends_nothing(home_page, fake_esp):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal])
    mailing = sending_mailing(
        home_page, [legal], send_by=timezone.now() - timedelta(minutes=1)
    )
    materialise_deliveries(mailing, ["en"])

    assert sending.send_batch(mailing_id=mailing.pk) == 0
    assert fake_esp.delivered == []
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.STALE
    assert set(Delivery.objects.values_list("status", flat=True)) == {"cancelled"}
