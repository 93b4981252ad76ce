"""Counters move exactly and each threshold is recorded, and announced, once."""

import pytest

from campaigns.models import Counter, Milestone
from campaigns.services.counters import increment_counter, record_milestone
from campaigns.tasks import notify_milestone_task
from subscribers.signals import signup_confirmed
from tests.factories import CampaignFactory, make_subscriber

pytestmark = pytest.mark.django_db


def test_first_increment_creates_the_counter_and_counts(campaign):
    assert increment_counter(campaign_id=campaign.pk, kind=Counter.Kind.SIGNATURES) == 1
    assert increment_counter(campaign_id=campaign.pk, kind=Counter.Kind.SIGNATURES) == 2
    counter = Counter.objects.get(campaign=campaign, kind=Counter.Kind.SIGNATURES)
    assert counter.value == 2
    assert not Counter.objects.filter(kind=Counter.Kind.SIGNUPS).exists()


def test_crossing_thresholds_records_each_once_and_queues_one_notification(
    campaign, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(notify_milestone_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(30):
            increment_counter(campaign_id=campaign.pk, kind=Counter.Kind.SIGNATURES)

    milestones = Milestone.objects.filter(campaign=campaign).order_by("threshold")
    assert [(m.counter, m.threshold) for m in milestones] == [
        ("signatures", 10),
        ("signatures", 25),
    ]
    assert sorted(queued) == [m.pk for m in milestones]


def test_a_jump_crosses_several_thresholds(
    campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        value = increment_counter(
            campaign_id=campaign.pk, kind=Counter.Kind.SIGNATURES, by=60
        )
    assert value == 60
    assert sorted(Milestone.objects.values_list("threshold", flat=True)) == [
        10,
        25,
        50,
    ]
    assert len(callbacks) == 3


def test_recrossing_a_threshold_never_records_it_again(
    campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first:
        increment_counter(campaign_id=campaign.pk, kind="signatures", by=10)
    # A correction takes the count back below the threshold; counting up again must not
    # announce the same milestone twice.
    Counter.objects.filter(campaign=campaign).update(value=9)
    with django_capture_on_commit_callbacks() as second:
        assert increment_counter(campaign_id=campaign.pk, kind="signatures") == 10
    assert Milestone.objects.filter(campaign=campaign, threshold=10).count() == 1
    assert len(first) == 1
    assert second == []


def test_record_milestone_returns_none_when_it_exists(
    campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = record_milestone(
            campaign_id=campaign.pk, kind="signatures", threshold=10
        )
        again = record_milestone(
            campaign_id=campaign.pk, kind="signatures", threshold=10
        )
    assert first is not None
    assert again is None
    assert len(callbacks) == 1


def test_counters_are_per_campaign_and_per_kind(campaign):
    other = CampaignFactory()
    increment_counter(campaign_id=campaign.pk, kind="signatures", by=3)
    increment_counter(campaign_id=other.pk, kind="signatures", by=5)
    increment_counter(campaign_id=campaign.pk, kind="signups", by=2)
    values = dict(
        Counter.objects.filter(campaign=campaign).values_list("kind", "value")
    )
    assert values == {"signatures": 3, "signups": 2}
    assert Counter.objects.get(campaign=other).value == 5


def test_confirmed_signup_signal_moves_the_signups_counter(
    campaign, django_capture_on_commit_callbacks
):
    campaign.milestone_thresholds = [2]
    campaign.save()
    people = [make_subscriber(f"p{n}@example.org").pk for n in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        for subscriber_id in people:
            signup_confirmed.send(
                sender=None,
                campaign_id=campaign.pk,
                subscriber_id=subscriber_id,
                page_id=7,
            )
    counter = Counter.objects.get(campaign=campaign, kind=Counter.Kind.SIGNUPS)
    assert counter.value == 3
    (milestone,) = Milestone.objects.filter(campaign=campaign)
    assert (milestone.counter, milestone.threshold) == ("signups", 2)
    assert len(callbacks) == 1
    assert not Counter.objects.filter(kind=Counter.Kind.SIGNATURES).exists()


def test_goal_steps_up_to_the_next_threshold(campaign):
    campaign.goal = 100
    campaign.milestone_thresholds = [10, 25, 50, 100, 500, 1000]
    assert campaign.goal_for(0) == 100
    assert campaign.goal_for(99) == 100
    assert campaign.goal_for(100) == 500
    assert campaign.goal_for(520) == 1000
    assert campaign.goal_for(1000) == 2000
    campaign.milestone_thresholds = ["oops", -5, 25, "50"]
    assert campaign.thresholds == [25, 50]
