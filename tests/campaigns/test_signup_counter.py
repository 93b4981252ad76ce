"""A signup drive counts people: each person once, however many of the drive's lists
they confirm, one after another, or leave and join again.

Found by a campaign lead: every confirmation through the campaign's signup page moved
the "signups" counter, so a person who joined a second list a week later counted twice.
"""

import re

import pytest
from django.test import Client

from campaigns.models import CountedSignup, Counter, Milestone
from campaigns.selectors import counter_value
from subscribers import tokens
from subscribers.models import SignupPage, Subscriber, Subscription
from subscribers.services import erase_subscriber, lift_suppression, unsubscribe
from tests.factories import CampaignFactory, MailingListFactory
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def drive(home_page):
    campaign = CampaignFactory(milestone_thresholds=[1, 2])
    lists = [
        MailingListFactory(name="Legal Protection/Services", slug="legal"),
        MailingListFactory(name="Community Outreach/Education", slug="outreach"),
    ]
    join = home_page.add_child(
        instance=SignupPage(title="Join", slug="join", campaign=campaign)
    )
    join.save_revision().publish()
    return campaign, lists, join


def join_and_confirm(client, join, email, mailing_list):
    """The public form, the worker's part, then the button of the e-mailed link."""
    response = client.post(
        join.url,
        {
            "email": email,
            "name": "",
            "zip_code": "",
            "language": "es",
            "lists": [mailing_list.pk],
            "website": "",
        },
    )
    assert response.status_code in (200, 302)
    run_signup_requests()
    subscriber = Subscriber.objects.get(
        pk__in=Subscription.objects.filter(
            mailing_list=mailing_list, status=Subscription.Status.PENDING
        ).values("subscriber")
    )
    confirm = path_of(
        tokens.confirm_url(
            subscriber_id=subscriber.pk,
            list_ids=[mailing_list.pk],
            page_id=join.pk,
            language="es",
        )
    )
    assert client.post(confirm).status_code == 303
    return subscriber


def test_a_person_counts_once_however_many_lists_they_confirm(drive):
    campaign, (legal, outreach), join = drive
    client = Client()
    ana = join_and_confirm(client, join, "ana@example.org", legal)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 1

    # A week later Ana joins a second list through the same drive: still one person.
    join_and_confirm(client, join, "ana@example.org", outreach)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 1

    # She leaves a list and comes back: still one person.
    unsubscribe(subscriber_id=ana.pk, list_ids=[legal.pk])
    join_and_confirm(client, join, "ana@example.org", legal)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 1
    assert list(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [1], "the 2-signup milestone is not reached by one person"

    # Someone new does count, and reaches the next milestone.
    join_and_confirm(client, join, "omar@example.org", outreach)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 2
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [1, 2]
    assert CountedSignup.objects.filter(campaign=campaign).count() == 2


@pytest.mark.django_db(transaction=True)
def test_people_counted_before_the_upgrade_are_not_counted_again(drive):
    """Migration 0015 puts on record everyone a drive had counted already (a
    subscription confirmed through its signup page), so their next list does not
    count them a second time."""
    from tests.migrations import migrate, migrate_to_latest

    campaign, (legal, outreach), join = drive
    client = Client()
    ana = join_and_confirm(client, join, "ana@example.org", legal)
    pending = join_and_confirm(client, join, "li@example.org", legal)
    Subscription.objects.filter(subscriber=pending).update(
        status=Subscription.Status.PENDING, consented_at=None
    )
    try:
        migrate(("campaigns", "0014_zip_codes_in_ascii"))
        migrate(("campaigns", "0015_counted_signups"))
    finally:
        migrate_to_latest()
    assert list(CountedSignup.objects.values_list("campaign_id", "subscriber_id")) == [
        (campaign.pk, ana.pk)
    ], "Li never confirmed, so Li was never counted"
    join_and_confirm(client, join, "ana@example.org", outreach)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 2


def test_an_erased_person_who_signs_up_again_counts_once(drive):
    """Ana signed up, erased her data, and signed up again: the counter said 2. Nothing
    may be kept that would recognise her, so her erasure takes her count back off
    (as an erased signer's signature leaves the petition's count) and coming back counts
    her once; milestones already reached stay."""
    campaign, (legal, outreach), join = drive
    client = Client()
    ana = join_and_confirm(client, join, "ana@example.org", legal)
    join_and_confirm(client, join, "omar@example.org", outreach)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 2

    assert erase_subscriber(subscriber_id=ana.pk)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 1
    assert not CountedSignup.objects.filter(subscriber_id=ana.pk).exists()
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [1, 2], "milestones already reached stay"

    # Months later she asks to come back; staff lift the erasure's suppression.
    assert lift_suppression(email="ana@example.org")
    join_and_confirm(client, join, "ana@example.org", legal)
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 2
    assert CountedSignup.objects.filter(campaign=campaign).count() == 2
