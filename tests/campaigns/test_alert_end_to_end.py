"""An organizer's rally alert, held by the two-person rule, approved by a second
organizer and delivered in each recipient's language, through a real Celery worker on
the alerts queue, anymail's Mailgun backend and the loopback fake provider."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Mailing
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import translate_page
from tests.fake_esp import FakeMailgun
from tests.workers import celery_worker, wait_for, worker_env


def env_for(fake, tmp_path):
    anymail = fake.anymail_settings()
    return worker_env(
        redis_url=settings.REDIS_URL,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=anymail["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=anymail["MAILGUN_SENDER_DOMAIN"],
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
def test_rally_alert_through_two_people_and_a_real_worker(home_page, tmp_path):
    alert_site(home_page)
    legal, outreach = lists(2)
    legal.two_person_rule = True
    legal.save()
    subscribe("ana@example.org", [legal, outreach], language="es")
    subscribe("grace@example.org", [legal], language="en")
    subscribe("omar@example.org", [outreach], language="ar")
    author = organizer("olga", [legal, outreach], group_name="Organizers")
    approver = organizer("sam", [legal, outreach], group_name="Organizers")
    approver.email = "sam@staff.example.org"
    approver.save()
    start = timezone.localtime(timezone.now() + timedelta(hours=3))

    fake = FakeMailgun(keep_bodies=True).start()
    try:
        with celery_worker(
            env=env_for(fake, tmp_path),
            queues=["alerts"],
            log_path=tmp_path / "worker.log",
        ):
            client = Client()
            client.force_login(author)
            response = client.post(
                reverse("campaigns_mailings:rally_alert"),
                {
                    "title": "Rally at the DHS office",
                    "what": "Press conference and rally",
                    "start": start.strftime("%Y-%m-%d %H:%M"),
                    "venue": "Federal Plaza",
                    "address": "101 W Ida B Wells Dr",
                    "message": "Join us in three hours.",
                    "lists": [legal.pk, outreach.pk],
                },
            )
            mailing = Mailing.objects.get()
            assert response.url == reverse(
                "campaigns_mailings:alert", args=[mailing.pk]
            )
            translate_page(
                mailing.page.specific,
                "es",
                title="Manifestación en la oficina de DHS",
                message="<p>Únase a nosotros en tres horas.</p>",
            )
            client.post(
                reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
                {"confirmed": "1"},
            )
            notice = wait_for(
                lambda: fake.delivered, timeout=60, what="the approvers' e-mail"
            )[0]
            assert notice.to == "sam@staff.example.org"
            assert not Mailing.objects.filter(recipients_count__gt=0).exists()

            client.force_login(approver)
            client.post(
                reverse("campaigns_mailings:alert_approve", args=[mailing.pk]),
                {"confirmed": "1"},
            )
            wait_for(
                lambda: Mailing.objects.get(pk=mailing.pk).status == "sent",
                timeout=60,
                what="the alert to be sent",
            )
    finally:
        fake.stop()

    rows = {row.to: row for row in fake.delivered}
    assert sorted(rows) == [
        "ana@example.org",
        "grace@example.org",
        "omar@example.org",
        "sam@staff.example.org",
    ]
    assert rows["ana@example.org"].subject == "Manifestación en la oficina de DHS"
    assert "Únase a nosotros" in rows["ana@example.org"].text
    assert "hora de Chicago" in rows["ana@example.org"].text
    assert rows["grace@example.org"].subject == "Rally at the DHS office"
    assert "Federal Plaza" in rows["grace@example.org"].html
    assert rows["omar@example.org"].subject == "Rally at the DHS office", "no Arabic"
    mailing.refresh_from_db()
    assert mailing.approved_by == approver
    assert mailing.lane == "alerts"
