"""A bulletin composed in Wagtail reaches every confirmed subscriber once, in their language,
through a real Celery worker, anymail's Mailgun backend and the loopback fake provider."""

import pytest
from django.conf import settings
from django.test import Client

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import control, sending, starting
from subscribers.models import Subscription
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import SuperuserFactory, build_bulletin, translate_page
from tests.fake_esp import FakeMailgun
from tests.workers import celery_worker, wait_for, worker_env

NEWS = {
    "title": "Refugee ban remains blocked",
    "summary": "The Ninth Circuit upheld the order.",
    "link": "https://www.immigrantjustice.org/",
}


def bulletin_in_three_languages():
    page = build_bulletin(title="Immigration Quick Update", body=[("news_item", NEWS)])
    translate_page(page, "es", title="Actualización rápida de inmigración")
    translate_page(page, "ar", title="تحديث سريع عن الهجرة")
    return page


def audience():
    legal, outreach, health = lists(3)
    subscribe("ana@example.org", [legal, outreach, health], language="es", name="Ana")
    subscribe("layla@example.org", [legal], language="ar")
    subscribe("piotr@example.org", [outreach], language="pl")
    subscribe("grace@example.org", [health], language="en")
    subscribe("pending@example.org", [legal], status=Subscription.Status.PENDING)
    return [legal, outreach, health]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
def test_bulletin_to_three_lists_through_a_real_worker(home_page, tmp_path):
    page = bulletin_in_three_languages()
    chosen = audience()
    fake = FakeMailgun(keep_bodies=True).start()
    env = worker_env(
        redis_url=settings.REDIS_URL,
        var_dir=tmp_path / "var",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
    )
    admin = SuperuserFactory()
    try:
        with celery_worker(env=env, queues=["bulk"], log_path=tmp_path / "worker.log"):
            mailing = control.create_mailing(
                user=admin, page=page, list_ids=[m.pk for m in chosen]
            )
            control.send_now(user=admin, mailing_id=mailing.pk)
            wait_for(
                lambda: len(fake.delivered) >= 4, timeout=60, what="four recipients"
            )
            wait_for(
                lambda: (
                    Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT
                ),
                timeout=60,
                what="the mailing to finish",
            )
    finally:
        fake.stop()

    rows = {row.to: row for row in fake.delivered}
    assert sorted(rows) == [
        "ana@example.org",
        "grace@example.org",
        "layla@example.org",
        "piotr@example.org",
    ]
    assert rows["ana@example.org"].subject.startswith("Actualización rápida")
    assert 'lang="es"' in rows["ana@example.org"].html
    assert 'dir="rtl"' in rows["layla@example.org"].html
    assert rows["layla@example.org"].subject.startswith("تحديث سريع")
    assert rows["piotr@example.org"].subject.startswith("Immigration Quick Update"), (
        "no Polish: English"
    )
    assert 'dir="ltr"' in rows["piotr@example.org"].html
    assert "The Ninth Circuit upheld the order." in rows["grace@example.org"].text
    assert "%%" not in rows["ana@example.org"].html + rows["ana@example.org"].text

    # The List-Unsubscribe link of the e-mail works as RFC 8058 one-click.
    link = rows["layla@example.org"].headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix(settings.WAGTAILADMIN_BASE_URL)
    response = Client(enforce_csrf_checks=True).post(
        path, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    layla = Delivery.objects.get(mailing=mailing, language="ar").subscriber
    assert set(layla.subscriptions.values_list("status", flat=True)) == {"unsubscribed"}


@pytest.mark.django_db
def test_later_edits_do_not_change_what_is_sent(home_page, fake_esp):
    page = build_bulletin(title="Know your safety plan", body=[("news_item", NEWS)])
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal])
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=page, list_ids=[legal.pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    starting.start_mailing(mailing_id=mailing.pk)

    page.title = "Edited after the send started"
    page.save_revision().publish()
    sending.send_batch(mailing_id=mailing.pk)

    (row,) = fake_esp.delivered
    assert row.subject.startswith("Know your safety plan")
    assert "Edited after" not in row.html
