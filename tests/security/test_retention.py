"""Retention jobs with frozen time: unconfirmed signups, unverified signatures,
webhook events, the admin's history of person rows, people who left every list and
expired sessions are deleted when their time is up, and not a second before."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from campaigns.mailings.models import Delivery, Mailing, TrackingEvent
from campaigns.models import Signature
from campaigns.services.petitions import VERIFY_MAX_AGE, purge_pending_signatures
from cms import retention
from cms.models import PersonLogEntry
from cms.tasks import purge_expired_records_task
from events.models import Rsvp
from subscribers import crypto, services
from subscribers.imports import import_subscribers
from subscribers.models import MailingList, Subscriber, Subscription, Suppression
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_bulletin,
    build_event,
    make_subscriber,
)

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
        PersonLogEntry.objects.create(
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
    assert not PersonLogEntry.objects.exists()
    assert ModelLogEntry.objects.filter(object_id=str(legal.pk)).exists(), (
        "lists are not people: their history stays"
    )


def joined(email: str, *lists, name: str = "Ana") -> Subscriber:
    subscriber = make_subscriber(email, zip_code="60601")
    subscriber.name = name
    subscriber.save()
    for mailing_list in lists:
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
            source=Subscription.Source.SIGNUP,
        )
    return subscriber


def still_held(*subscribers) -> set[str]:
    pks = [subscriber.pk for subscriber in subscribers]
    return {subscriber.email for subscriber in Subscriber.objects.filter(pk__in=pks)}


def test_people_who_left_every_list_are_deleted_after_the_unsubscribed_days(
    settings, home_page
):
    """Leaving used to keep name, ZIP and list history forever (and staff kept
    exporting them); now only the hashed suppression stays."""
    settings.SUBSCRIBERS_UNSUBSCRIBED_DAYS = 30
    legal, outreach = MailingListFactory(slug="legal"), MailingListFactory(slug="out")
    with freeze_time(T0):
        everything = joined("everything@example.org", legal, outreach)
        one_by_one = joined("one-by-one@example.org", legal, outreach)
        stays = joined("stays@example.org", legal, outreach)
        came_back = joined("came-back@example.org", legal)
        late = joined("late@example.org", legal)
        services.unsubscribe(subscriber_id=everything.pk)
        services.unsubscribe(subscriber_id=one_by_one.pk, list_ids=[legal.pk])
        services.unsubscribe(subscriber_id=one_by_one.pk, list_ids=[outreach.pk])
        services.unsubscribe(subscriber_id=stays.pk, list_ids=[legal.pk])
        services.unsubscribe(subscriber_id=came_back.pk)
        # Rows of theirs that are not theirs alone: a mailing's delivery, an RSVP.
        mailing = Mailing.objects.create(page=build_bulletin())
        delivery = Delivery.objects.create(
            mailing=mailing, subscriber=everything, language="en", status="sent"
        )
        rsvp = Rsvp.objects.create(
            event=build_event(),
            name="Ana",
            email="everything@example.org",
            email_hash=everything.email_hash,
            status=Rsvp.Status.CONFIRMED,
        )
    assert Suppression.objects.filter(email_hash=everything.email_hash).exists()
    assert not Suppression.objects.filter(email_hash=one_by_one.email_hash).exists()
    with freeze_time(T0 + timedelta(days=10)):
        services.unsubscribe(subscriber_id=late.pk)
        services.request_signup(
            email="came-back@example.org",
            language="en",
            list_ids=[legal.pk],
            source="signup",
        )
    people = (everything, one_by_one, stays, came_back, late)

    with freeze_time(T0 + timedelta(days=30) - timedelta(seconds=1)):
        assert services.purge_unsubscribed() == 0
    assert len(still_held(*people)) == 5
    with freeze_time(T0 + timedelta(days=30, seconds=1)):
        purge_expired_records_task()  # the daily beat task, called directly
        assert services.purge_unsubscribed() == 0, "safe to run twice"

    assert still_held(*people) == {
        "stays@example.org",  # still on a list
        "came-back@example.org",  # signed up again: pending
        "late@example.org",  # left only 20 days ago
    }
    assert not Subscription.objects.filter(
        subscriber_id__in=[everything.pk, one_by_one.pk]
    ).exists()
    delivery.refresh_from_db()
    assert delivery.subscriber_id is None, "the mailing keeps its count"
    assert Rsvp.objects.filter(pk=rsvp.pk).exists(), "the event keeps its guest"
    # Each stays suppressed: an import cannot add them back to the lists they left,
    # and they can come back only by confirming a signup themselves.
    reasons = dict(Suppression.objects.values_list("email_hash", "reason"))
    assert reasons[everything.email_hash] == Suppression.Reason.UNSUBSCRIBED
    assert reasons[one_by_one.email_hash] == Suppression.Reason.UNSUBSCRIBED
    report = import_subscribers(
        rows=[(2, {"email": "one-by-one@example.org", "lists": "legal"})],
        allowed_lists=MailingList.objects.all(),
        importer=SuperuserFactory(),
    )
    assert report.subscribed == 0
    assert report.rejected == [(2, "suppressed address: never mailed again")]
    assert services.request_signup(
        email="one-by-one@example.org",
        language="en",
        list_ids=[legal.pk],
        source="signup",
    )

    with freeze_time(T0 + timedelta(days=40, seconds=1)):
        assert services.purge_unsubscribed() == 1
    assert still_held(late) == set()


def test_a_bounce_outlives_the_person_who_left(settings):
    """The purge adds a suppression only where there is none: an earlier reason that
    only staff may lift stays. (Batches of one: each batch is its own transaction.)"""
    settings.SUBSCRIBERS_UNSUBSCRIBED_DAYS = 30
    legal = MailingListFactory(slug="legal")
    with freeze_time(T0):
        bounced = joined("bounced@example.org", legal)
        services.suppress(
            email="bounced@example.org", reason=Suppression.Reason.HARD_BOUNCE
        )
        services.unsubscribe(subscriber_id=bounced.pk, list_ids=[legal.pk])
        left = joined("left@example.org", legal)
        services.unsubscribe(subscriber_id=left.pk)
    with freeze_time(T0 + timedelta(days=31)):
        assert services.purge_unsubscribed(batch_size=1) == 2
    assert not Subscriber.objects.exists()
    assert (
        Suppression.objects.get(
            email_hash=crypto.lookup_hash("bounced@example.org")
        ).reason
        == Suppression.Reason.HARD_BOUNCE
    )


def test_expired_sessions_are_deleted_daily():
    with freeze_time(T0):
        Session.objects.create(
            session_key="expired", session_data="", expire_date=T0 - timedelta(days=1)
        )
        Session.objects.create(
            session_key="current", session_data="", expire_date=T0 + timedelta(days=1)
        )
        purge_expired_records_task()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


def test_the_retention_jobs_are_on_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "subscribers.tasks.purge_unconfirmed_task",
        "campaigns.tasks.purge_pending_signatures_task",
        "cms.tasks.purge_expired_records_task",
    } <= tasks


def deploy_errors() -> list[str]:
    from django.core.checks import run_checks

    return [message.id for message in run_checks(include_deployment_checks=True)]


def test_webhook_events_are_kept_longer_than_a_replay_is_accepted(settings):
    """A provider's signed call is applied once because its event is stored; a
    deployment that deleted events before TRACKING_MAX_EVENT_AGE stopped accepting
    them would take the same call again (the attack round's note). Refused at start."""
    settings.TRACKING_MAX_EVENT_AGE = 7 * 24 * 3600
    settings.TRACKING_EVENT_RETENTION_DAYS = 30
    assert "cms.E019" not in deploy_errors()
    for days in (5, 7):  # 7: an event stamped 5 minutes ahead outlives its row
        settings.TRACKING_EVENT_RETENTION_DAYS = days
        assert "cms.E019" in deploy_errors(), days
    settings.TRACKING_MAX_EVENT_AGE = 3 * 24 * 3600
    assert "cms.E019" not in deploy_errors()
