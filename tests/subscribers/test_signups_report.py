"""The signups report and its chart: confirmed signups per list, week by week, up to
this week, for the lists a user may see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from subscribers.models import ListPermission, MailingList, Subscription
from subscribers.selectors import signups_per_week, signups_this_week
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


def signed_up(email, mailing_list, *, days_ago, status=Subscription.Status.CONFIRMED):
    when = timezone.now() - timedelta(days=days_ago)
    subscription = Subscription.objects.create(
        subscriber=make_subscriber(email),
        mailing_list=mailing_list,
        status=status,
        source=Subscription.Source.SIGNUP,
        consented_at=when if status == Subscription.Status.CONFIRMED else None,
    )
    Subscription.objects.filter(pk=subscription.pk).update(created_at=when)


@pytest.fixture
def lists(db):
    legal = MailingListFactory(name="Legal Protection/Services")
    health = MailingListFactory(name="Mental Health/Well-being")
    signed_up("a@example.org", legal, days_ago=0)
    signed_up("b@example.org", legal, days_ago=8)
    signed_up("c@example.org", health, days_ago=1)
    signed_up("d@example.org", health, days_ago=2, status=Subscription.Status.PENDING)
    signed_up("e@example.org", health, days_ago=200)
    return legal, health


def test_signups_per_week_end_this_week(lists):
    legal, health = lists
    data = signups_per_week(MailingList.objects.all(), weeks=4)
    assert len(data["weeks"]) == 4
    assert (
        data["weeks"][-1]
        <= timezone.localtime()
        < data["weeks"][-1] + timedelta(days=7)
    )
    counts = {mailing_list.name: values for mailing_list, values in data["lists"]}
    assert sum(counts["Legal Protection/Services"]) == 2
    assert (
        counts["Mental Health/Well-being"][-1] + counts["Mental Health/Well-being"][-2]
        == 1
    )
    assert sum(counts["Mental Health/Well-being"]) == 1, (
        "pending and old ones do not count"
    )

    week = {
        row["list"].name: row for row in signups_this_week(MailingList.objects.all())
    }
    assert week["Legal Protection/Services"]["confirmed"] == 1
    assert week["Mental Health/Well-being"]["waiting"] == 1


def test_the_report_shows_only_the_lists_a_user_may_see(client, lists):
    legal, health = lists
    client.force_login(SuperuserFactory())
    html = client.get(reverse("subscribers_signups_report")).content.decode()
    assert "Legal Protection/Services" in html
    assert "Mental Health/Well-being" in html
    chart = client.get(reverse("subscribers_signups_chart"))
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<script" not in chart.content
    assert b"Legal Protection/Services" in chart.content

    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Legal team")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    ListPermission.objects.create(group=group, mailing_list=legal, permission="view")
    viewer = UserFactory()
    viewer.groups.add(group)
    client.force_login(viewer)
    html = client.get(reverse("subscribers_signups_report")).content.decode()
    assert "Legal Protection/Services" in html
    assert "Mental Health/Well-being" not in html
    assert (
        b"Mental Health" not in client.get(reverse("subscribers_signups_chart")).content
    )

    outsider = UserFactory()
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get(reverse("subscribers_signups_report")).status_code in (302, 403)
