"""Retention jobs with frozen time: unconfirmed signups, unverified signatures,
webhook events and the admin's history of person rows are deleted when their time is
up, and not a second before."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from campaigns.mailings.models import TrackingEvent
from campaigns.models import Signature
from campaigns.services.petitions import VERIFY_MAX_AGE, purge_pending_signatures
from cms import retention
from cms.tasks import purge_expired_records_task
from subscribers import services
from subscribers.models import Subscriber, Subscription
from tests.factories import CampaignFactory, MailingListFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def test_unconfirmed_signups_are_purged_after_the_pending_days(settings):
    settings.SUBSCRIBERS_PENDING_DAYS = 14
    legal = MailingListFactory(slug="legal")
    with freeze_time(T0):
        pending = services.request_signup(
            email="pending@example.org",
            language="es",
            list_ids=[legal.pk],
            source="signup",
        )
        kept = services.request_signup(
            email="kept@example.org",
            language="es",
            list_ids=[legal.pk],
            source="signup",
        )
        Subscription.objects.filter(subscriber=kept).update(status="confirmed")
    with freeze_time(T0 + timedelta(days=14) - timedelta(seconds=1)):
        assert services.purge_unconfirmed() == 0
    assert Subscriber.objects.filter(pk=pending.pk).exists()
    with freeze_time(T0 + timedelta(days=14, seconds=1)):
        assert services.purge_unconfirmed() == 1
        assert services.purge_unconfirmed() == 0, "safe to run twice"
    assert not Subscriber.objects.filter(pk=pending.pk).exists()
    assert Subscriber.objects.filter(pk=kept.pk).exists()


def test_unverified_signatures_go_once_their_link_expires():
    campaign = CampaignFactory(slug="retention")
    Signature.objects.create(
        campaign=campaign,
        name="Pending",
        email="p@example.org",
        email_hash="p" * 64,
        created_at=T0,
    )
    Signature.objects.create(
        campaign=campaign,
        name="Counted",
        email="c@example.org",
        email_hash="c" * 64,
        created_at=T0,
        status=Signature.Status.VERIFIED,
        verified_at=T0,
    )
    with freeze_time(T0 + timedelta(seconds=VERIFY_MAX_AGE - 1)):
        assert purge_pending_signatures() == 0
    with freeze_time(T0 + timedelta(seconds=VERIFY_MAX_AGE + 1)):
        assert purge_pending_signatures() == 1
    assert list(Signature.objects.values_list("name", flat=True)) == ["Counted"]


def test_webhook_events_and_person_log_entries_expire(settings):
    settings.TRACKING_EVENT_RETENTION_DAYS = 30
    settings.PERSON_LOG_RETENTION_DAYS = 90
    legal = MailingListFactory(slug="legal")
    with freeze_time(T0):
        TrackingEvent.objects.create(
            esp_event_id="old", event_type="delivered", occurred_at=T0
        )
        subscriber = Subscriber.for_email("log@example.org")
        subscriber.save()
        subscription = Subscription.objects.create(
            subscriber=subscriber, mailing_list=legal, status="confirmed"
        )
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Subscription),
            object_id=str(subscription.pk),
            label=str(subscription),
            action="wagtail.edit",
            timestamp=T0,
        )
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(legal),
            object_id=str(legal.pk),
            label=str(legal),
            action="wagtail.edit",
            timestamp=T0,
        )
    with freeze_time(T0 + timedelta(days=20)):
        TrackingEvent.objects.create(
            esp_event_id="recent", event_type="delivered", occurred_at=T0
        )
    with freeze_time(T0 + timedelta(days=30) - timedelta(seconds=1)):
        assert retention.purge_tracking_events() == 0
    with freeze_time(T0 + timedelta(days=30, seconds=1)):
        assert retention.purge_tracking_events() == 1
        assert retention.purge_person_log_entries() == 0
    assert list(TrackingEvent.objects.values_list("esp_event_id", flat=True)) == [
        "recent"
    ]
    with freeze_time(T0 + timedelta(days=90, seconds=1)):
        purge_expired_records_task()  # the beat task, called directly
    assert not ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscription)
    ).exists()
    assert ModelLogEntry.objects.filter(object_id=str(legal.pk)).exists(), (
        "lists are not people: their history stays"
    )


def test_the_retention_jobs_are_on_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "subscribers.tasks.purge_unconfirmed_task",
        "campaigns.tasks.purge_pending_signatures_task",
        "cms.tasks.purge_expired_records_task",
    } <= tasks
