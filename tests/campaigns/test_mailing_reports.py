"""Reports people read at a glance: the mailings list (kind, time with its zone, an
audience estimate before sending), the report's charts, and the dashboard panels."""

from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings import reports
from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import alerts, control
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_bulletin,
    build_petition_page,
    speaking,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_mailing(home_page):
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    for n in range(6):
        subscribe(f"p{n}@example.org", [legal], language="es" if n % 2 else "en")
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=build_bulletin(title="March"), list_ids=[legal.pk]
    )
    materialise_deliveries(mailing, ["en", "es"])
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    for index, delivery in enumerate(Delivery.objects.filter(mailing=mailing)):
        # Minutes 0, 0, 1, 3, 3, 3: minute 2 was quiet.
        delivery.sent_at = start + timedelta(minutes=[0, 0, 1, 3, 3, 3][index])
        delivery.status = "bounced" if index == 0 else "delivered"
        delivery.save()
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENT, recipients_count=6, started_at=start
    )
    return mailing, user


def test_sends_per_minute_counts_quiet_minutes(sent_mailing):
    mailing, _user = sent_mailing
    assert [n for _minute, n in reports.sent_per_minute(mailing)] == [2, 1, 0, 3]


def test_report_charts_are_script_free_svg_images(client, sent_mailing):
    mailing, user = sent_mailing
    client.force_login(user)
    html = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk])).content
    assert b"6 of 6 sent" in html, "delivered and bounced messages were sent"
    for name, title in [
        ("per-minute", "Messages sent per minute"),
        ("by-language", "Delivery status by language"),
        ("by-list", "Delivery status by list"),
    ]:
        url = reverse("campaigns_mailings:chart", args=[mailing.pk, name])
        assert f'<img src="{url}"'.encode() in html
        response = client.get(url)
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Content-Security-Policy"].startswith("default-src 'none'")
        svg = response.content.decode()
        ElementTree.fromstring(response.content)
        assert "<script" not in svg
        assert title in svg
    by_language = client.get(
        reverse("campaigns_mailings:chart", args=[mailing.pk, "by-language"])
    ).content.decode()
    assert "Spanish" in by_language
    assert "Bounced" in by_language
    assert (
        client.get(reverse("campaigns_mailings:chart", args=[mailing.pk, "nope"]))
    ).status_code == 404

    client.force_login(organizer("omar", [MailingListFactory()]))
    refused = client.get(
        reverse("campaigns_mailings:chart", args=[mailing.pk, "per-minute"])
    )
    assert refused.status_code in (302, 403)


def test_the_per_minute_chart_names_the_citys_clock(client, sent_mailing):
    """Its minutes are the city's (TIME_ZONE): the axis says so by the clock's name,
    Chicago's by default and another city's once configured (LOCAL_TIME_NAME)."""
    mailing, user = sent_mailing
    client.force_login(user)
    url = reverse("campaigns_mailings:chart", args=[mailing.pk, "per-minute"])
    assert "Chicago time" in client.get(url).content.decode()

    with override_settings(
        TIME_ZONE="America/New_York",
        LOCAL_TIME_NAMES={"en": "New York time", "es": "hora de Nueva York"},
    ):
        svg = client.get(url).content.decode()
        assert "New York time" in svg
        assert "Chicago" not in svg
        speaking(user, "es")
        assert "Hora de Nueva York" in client.get(url).content.decode()


def test_mailings_list_shows_kind_time_zone_and_estimate(client, home_page):
    alert_site(home_page)
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    subscribe("ana@example.org", [legal], language="es")
    subscribe("li@example.org", [legal], language="zh-hans")
    user = organizer("olga", [legal])
    first = alerts.create_rally_alert(
        user=user,
        title="Rally at the DHS office",
        what="Rally",
        start=timezone.now() + timedelta(hours=3),
        message="Come.",
        list_ids=[legal.pk],
    )
    Mailing.objects.filter(pk=first.pk).update(status=Mailing.Status.SENT)
    alerts.send_update(user=user, mailing_id=first.pk, message="Moved.")
    bulletin = control.create_mailing(
        user=user, page=build_bulletin(title="March bulletin"), list_ids=[legal.pk]
    )
    when = timezone.now() + timedelta(days=1)
    control.schedule(user=user, mailing_id=bulletin.pk, when=when)
    client.force_login(user)

    html = client.get(reverse("campaigns_mailings:index")).content.decode()

    assert "Alert update" in html
    assert "Bulletin" in html
    local = timezone.localtime(when)
    assert f"{local.strftime('%Z')}" in html, "scheduled time with its zone"
    assert "about 2 (counted when sending starts)" in html

    only_updates = client.get(reverse("campaigns_mailings:index"), {"kind": "update"})
    body = only_updates.content.decode()
    assert "March bulletin" not in body
    assert body.count("Rally at the DHS office") == 1


def test_dashboard_panels(client, sent_mailing):
    mailing, user = sent_mailing
    sending = control.create_mailing(
        user=user,
        page=build_bulletin(title="April"),
        list_ids=list(mailing.lists.values_list("pk", flat=True)),
    )
    materialise_deliveries(sending, ["en"])
    Delivery.objects.filter(
        pk__in=list(sending.deliveries.values_list("pk", flat=True)[:2])
    ).update(status="sent")
    Mailing.objects.filter(pk=sending.pk).update(
        status=Mailing.Status.SENDING, recipients_count=6
    )
    campaign = CampaignFactory(milestone_thresholds=[10, 25])
    build_petition_page(mailing.page.get_parent().get_parent(), campaign)
    client.force_login(user)

    html = client.get("/admin/").content.decode()

    assert "Sends in progress" in html
    assert "2 of 6 sent (33%)" in html
    assert "Signups this week" in html
    assert "Petitions nearest their next milestone" in html
    assert "10: 10 to go" in html
    assert "Write the next bulletin" in html


def test_a_senders_mailings_are_listed_behind_200_newer_ones_to_other_lists(
    client, home_page
):
    from campaigns.mailings.admin_views import visible_mailings

    legal, outreach = MailingListFactory(), MailingListFactory()
    page = build_bulletin(title="Ours")
    ours = Mailing.objects.create(page=page)
    ours.lists.set([legal])
    others = Mailing.objects.bulk_create(Mailing(page=page) for _ in range(201))
    Mailing.lists.through.objects.bulk_create(
        Mailing.lists.through(mailing_id=m.pk, mailinglist_id=outreach.pk)
        for m in others
    )
    assert [m.pk for m in visible_mailings(organizer("ana", [legal]))] == [ours.pk]


def test_people_erased_since_keep_the_lists_figures_whole(sent_mailing):
    """A delivery outlives its person: erased (or purged after leaving), they are
    counted on a row of their own, so the lists add up to the languages."""
    from subscribers.models import Subscriber
    from subscribers.services import erase_subscriber

    mailing, _user = sent_mailing
    bounced = Delivery.objects.get(mailing=mailing, status="bounced")
    erase_subscriber(subscriber_id=bounced.subscriber_id)
    left = Subscriber.objects.with_email("p5@example.org").get()
    left.subscriptions.all().delete()

    by_list = reports.by_list(mailing)
    assert by_list["People erased or removed since"] == {"bounced": 1, "delivered": 1}
    assert by_list["Legal Protection/Services"] == {"delivered": 4}

    def total(table):
        return sum(n for row in table.values() for n in row.values())

    assert total(by_list) == total(reports.by_language(mailing)) == 6
    assert "People erased or removed since" in reports.csv_report(mailing)
