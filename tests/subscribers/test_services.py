from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from subscribers import services
from subscribers.crypto import lookup_hash
from subscribers.models import Subscriber, Subscription, Suppression
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db


def test_request_signup_creates_pending_rows_once():
    legal, outreach = MailingListFactory(), MailingListFactory()
    for _ in range(2):
        subscriber = services.request_signup(
            email="Ana@Example.org",
            language="es",
            list_ids=[legal.pk, outreach.pk],
            source=Subscription.Source.SIGNUP,
            name="Ana",
        )
    assert Subscriber.objects.count() == 1
    assert subscriber.email == "ana@example.org"
    statuses = set(Subscription.objects.values_list("mailing_list_id", "status"))
    assert statuses == {(legal.pk, "pending"), (outreach.pk, "pending")}


def test_request_signup_ignores_suppressed_addresses():
    mailing_list = MailingListFactory()
    Suppression.objects.create(
        email_hash=lookup_hash("gone@example.org"), reason="erased"
    )
    result = services.request_signup(
        email="gone@example.org",
        language="en",
        list_ids=[mailing_list.pk],
        source="signup",
    )
    assert result is None
    assert not Subscriber.objects.exists()


def _signup(mailing_list, **kwargs):
    return services.request_signup(
        email=kwargs.pop("email", "ana@example.org"),
        language=kwargs.pop("language", "es"),
        list_ids=[mailing_list.pk],
        source="signup",
        **kwargs,
    )


def test_one_confirmation_per_address_per_day(django_capture_on_commit_callbacks):
    legal, outreach = MailingListFactory(), MailingListFactory()
    with django_capture_on_commit_callbacks() as first:
        _signup(legal)
    with django_capture_on_commit_callbacks() as second:
        _signup(outreach, email="ANA@example.org")
    assert len(first) == 1
    # Within the interval: no e-mail now, one owed (a deferred task queued).
    assert len(second) == 1
    assert Subscriber.objects.get().confirmation_owed_language == "es"
    # A day later (the subscriber's slot and the mailbox's daily allowance) it may,
    # and that e-mail is the one owed: it names every list still pending.
    with (
        freeze_time(timezone.now() + timedelta(hours=25)),
        django_capture_on_commit_callbacks() as third,
    ):
        _signup(outreach)
    assert len(third) == 1
    assert Subscriber.objects.get().confirmation_owed_language == ""


def test_confirm_counts_once_for_the_campaign(home_page):
    from campaigns.models import Campaign
    from subscribers.models import SignupPage
    from subscribers.signals import signup_confirmed

    campaign = Campaign.objects.create(name="Chicago Is With You", slug="cwy")
    page = home_page.add_child(
        instance=SignupPage(title="Join", slug="join", campaign=campaign)
    )
    legal = MailingListFactory()
    subscriber = _signup(legal, page_id=page.pk)
    received = []

    def receiver(**kwargs):
        received.append(
            (kwargs["campaign_id"], kwargs["subscriber_id"], kwargs["page_id"])
        )

    signup_confirmed.connect(receiver)
    try:
        for _ in range(2):
            services.confirm_subscription(
                subscriber_id=subscriber.pk, list_ids=[legal.pk], page_id=page.pk
            )
    finally:
        signup_confirmed.disconnect(receiver)
    assert received == [(campaign.pk, subscriber.pk, page.pk)]
    assert Subscription.objects.get().status == "confirmed"


def test_confirm_only_confirms_the_lists_in_the_link():
    legal, outreach = MailingListFactory(), MailingListFactory()
    subscriber = _signup(legal)
    _signup(outreach)
    services.confirm_subscription(subscriber_id=subscriber.pk, list_ids=[legal.pk])
    statuses = dict(Subscription.objects.values_list("mailing_list_id", "status"))
    assert statuses == {legal.pk: "confirmed", outreach.pk: "pending"}


def test_unsubscribed_comes_back_only_by_confirming_a_new_signup():
    legal = MailingListFactory()
    subscriber = _signup(legal)
    services.confirm_subscription(subscriber_id=subscriber.pk, list_ids=[legal.pk])
    services.unsubscribe(subscriber_id=subscriber.pk)
    assert services.is_suppressed("ana@example.org")
    again = _signup(legal)
    assert again.pk == subscriber.pk
    assert Subscription.objects.get().status == "pending"
    assert services.is_suppressed("ana@example.org"), "still, until confirmed"
    services.confirm_subscription(subscriber_id=subscriber.pk, list_ids=[legal.pk])
    assert not services.is_suppressed("ana@example.org")


@pytest.mark.parametrize("reason", ["hard_bounce", "complaint", "staff", "erased"])
def test_bounces_and_complaints_are_lifted_only_by_staff(reason):
    legal = MailingListFactory()
    services.suppress(email="ana@example.org", reason=reason)
    assert _signup(legal) is None
    assert not Subscriber.objects.exists()
    assert services.lift_suppression(email="ana@example.org")
    assert _signup(legal) is not None


def test_preferences_cannot_rejoin_a_suppressed_address():
    legal = MailingListFactory()
    subscriber = _signup(legal)
    services.unsubscribe(subscriber_id=subscriber.pk)
    accepted = services.update_preferences(
        subscriber_id=subscriber.pk, language="pl", list_ids=[legal.pk]
    )
    assert accepted is False
    assert Subscription.objects.get().status == "unsubscribed"
    assert Subscriber.objects.get().language == "pl"


def test_unsubscribe_sends_signal_with_mailing():
    from subscribers.signals import unsubscribed

    legal = MailingListFactory()
    subscriber = _signup(legal)
    received = []

    def receiver(**kwargs):
        received.append(kwargs["mailing_id"])

    unsubscribed.connect(receiver)
    try:
        services.unsubscribe(subscriber_id=subscriber.pk, mailing_id=42)
    finally:
        unsubscribed.disconnect(receiver)
    assert received == [42]
    assert services.unsubscribe(subscriber_id=999999) is False


def test_purge_unconfirmed_after_retention(settings):
    settings.SUBSCRIBERS_PENDING_DAYS = 14
    legal, outreach = MailingListFactory(), MailingListFactory()
    stale = _signup(legal, email="stale@example.org")
    kept = _signup(legal, email="kept@example.org")
    mixed = _signup(legal, email="mixed@example.org")
    services.confirm_subscription(subscriber_id=kept.pk, list_ids=[legal.pk])
    Subscription.objects.create(
        subscriber=mixed, mailing_list=outreach, status="confirmed", source="signup"
    )
    old = timezone.now() - timedelta(days=15)
    Subscriber.objects.update(created_at=old)
    Subscription.objects.update(created_at=old)

    assert services.purge_unconfirmed() == 1
    assert not Subscriber.objects.filter(pk=stale.pk).exists()
    assert Subscription.objects.filter(subscriber=kept).get().status == "confirmed"
    assert list(
        Subscription.objects.filter(subscriber=mixed).values_list("status", flat=True)
    ) == ["confirmed"]
    assert services.purge_unconfirmed() == 0


def test_erase_and_export():
    legal = MailingListFactory(name="Legal")
    subscriber = _signup(legal, name="Ana", zip_code="60608")
    data = services.export_subscriber_data(subscriber_id=subscriber.pk)
    assert data["subscriber"]["email"] == "ana@example.org"
    assert data["subscriber"]["zip_code"] == "60608"
    assert data["subscriptions"][0]["list"] == "Legal"
    assert services.erase_subscriber(subscriber_id=subscriber.pk)
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert Suppression.objects.get().email_hash == lookup_hash("ana@example.org")
    assert services.export_subscriber_data(subscriber_id=subscriber.pk) is None


def test_key_rotation_command(settings):
    from django.core.management import call_command
    from django.db import connection

    from subscribers import crypto
    from tests.factories import make_subscriber

    make_subscriber("ana@example.org", name="Ana")
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key(), old]
    call_command("rotate_encryption_key", batch_size=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name FROM subscribers_subscriber")
        raw_email, raw_name = cursor.fetchone()
    assert crypto.is_current(raw_email)
    assert crypto.is_current(raw_name)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert Subscriber.objects.get().email == "ana@example.org"


def test_erasing_after_leaving_every_list_stays_erased():
    """The unsubscribe page leads to erasure: leaving first must not leave a
    suppression the next signup (anyone's) lifts."""
    legal = MailingListFactory(name="Legal")
    subscriber = _signup(legal, name="Ana", zip_code="60608")
    assert services.unsubscribe(subscriber_id=subscriber.pk)
    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED

    assert services.erase_subscriber(subscriber_id=subscriber.pk)

    assert Suppression.objects.get().reason == Suppression.Reason.ERASED
    assert services.blocks_all_mail(lookup_hash("ana@example.org"))
    stranger = services.request_signup(
        email="ana@example.org",
        language="en",
        list_ids=[legal.pk],
        source=Subscription.Source.SIGNUP,
        name="Somebody Else",
    )
    assert stranger is None
    assert not Subscriber.objects.exists()


def test_erasing_keeps_a_bounce_reason():
    legal = MailingListFactory(name="Legal")
    subscriber = _signup(legal)
    services.suppress(email="ana@example.org", reason=Suppression.Reason.HARD_BOUNCE)
    assert services.erase_subscriber(subscriber_id=subscriber.pk)
    assert Suppression.objects.get().reason == Suppression.Reason.HARD_BOUNCE
