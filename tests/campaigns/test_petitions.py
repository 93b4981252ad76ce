"""record_signature and verify_signature: one signature per address, counted once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from campaigns.models import Counter, Signature
from campaigns.selectors import counter_value, petition_summary
from campaigns.services.notifications import send_signature_verification
from campaigns.services.petitions import (
    record_signature,
    signature_for_token,
    verification_token,
    verify_signature,
)
from campaigns.tasks import send_signature_verification_task
from cms import ratelimit
from subscribers import crypto
from subscribers.models import Subscriber, Subscription
from tests.factories import MailingListFactory
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db


def sign(petition, email="ana.morales@example.org", **fields):
    return record_signature(
        page=petition, email=email, language="es", name="Ana Morales", **fields
    )


def test_signature_is_stored_encrypted_and_counted(petition):
    outcome = sign(petition, zip_code="60608")

    signature = Signature.objects.get(pk=outcome.signature_id)
    assert outcome.created
    assert outcome.counted
    assert signature.email == "ana.morales@example.org"
    assert signature.name == "Ana Morales"
    assert signature.email_hash == crypto.lookup_hash("ana.morales@example.org")
    assert signature.status == Signature.Status.VERIFIED
    assert signature.page_id == petition.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, name FROM campaigns_signature WHERE id = %s", [signature.pk]
        )
        raw_email, raw_name = cursor.fetchone()
    assert b"ana.morales" not in bytes(raw_email)
    assert b"Morales" not in bytes(raw_name)
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_signing_again_is_idempotent_and_keeps_the_first_signature(petition):
    first = sign(petition)
    again = sign(petition, email="  ANA.Morales@Example.org ", zip_code="99999")

    assert again.signature_id == first.signature_id
    assert not again.created
    assert not again.counted
    assert Signature.objects.count() == 1
    assert Signature.objects.get().zip_code == ""
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_a_mailbox_signs_once_with_or_without_verification(petition):
    """Both signing paths (PostgreSQL's statement without verification, the portable
    one with it or with lists offered) key a signature by its mailbox."""
    first = sign(petition, email="ana+petition@example.org")
    again = sign(petition, email="Ana+Other@Example.org", zip_code="99999")
    assert (again.signature_id, again.created, again.counted) == (
        first.signature_id,
        False,
        False,
    )
    signature = Signature.objects.get()
    assert signature.email == "ana+petition@example.org", "stored as typed"
    assert signature.email_hash == crypto.lookup_hash("ana+petition@example.org")
    assert signature.mailbox_hash == crypto.lookup_hash("ana@example.org")

    petition.require_verification = True
    petition.save_revision().publish()
    pending = sign(petition, email="li+1@example.org")
    repeat = sign(petition, email="li+2@example.org")
    assert repeat.signature_id == pending.signature_id
    assert not repeat.created
    assert Signature.objects.count() == 2
    assert verify_signature(signature_id=pending.signature_id)
    assert counter_value(campaign_id=petition.campaign_id) == 2


def test_a_domain_typed_in_punycode_does_not_sign_twice(petition):
    """ana@bücher.example and ana@XN--BCHER-KVA.example reach one mailbox: they
    counted as two signatures."""
    first = sign(petition, email="ana@bücher.example")
    again = sign(petition, email="Ana+2@XN--BCHER-KVA.example")
    assert (again.signature_id, again.created, again.counted) == (
        first.signature_id,
        False,
        False,
    )
    assert Signature.objects.count() == 1
    assert counter_value(campaign_id=petition.campaign_id) == 1


@given(
    st.from_regex(r"[a-z0-9][a-z0-9.+_-]{0,20}", fullmatch=True),
    st.sampled_from(["example.org", "gmail.com", "googlemail.com"]),
)
def test_a_signatures_mailbox_is_the_rate_limits_mailbox(local, domain):
    """One notion of a mailbox for the petition's one signature and the allowances."""
    email = crypto.normalise_email(f"{local}@{domain}")
    assert crypto.mailbox_address(email) == ratelimit.mailbox(email)


def test_translations_of_a_petition_share_one_count(petition):
    from wagtail.models import Locale

    polish = petition.copy_for_translation(
        Locale.objects.get(language_code="pl"), copy_parents=True
    )
    polish.save_revision().publish()
    sign(petition, email="one@example.org")
    record_signature(page=polish.specific, email="two@example.org", language="pl")
    record_signature(page=polish.specific, email="one@example.org", language="pl")

    assert counter_value(campaign_id=petition.campaign_id) == 2
    assert petition_summary(campaign=petition.campaign)["signature_count"] == 2


def test_verification_mode_counts_only_verified_signatures(
    petition, django_capture_on_commit_callbacks, monkeypatch
):
    petition.require_verification = True
    petition.save_revision().publish()
    queued = []
    monkeypatch.setattr(send_signature_verification_task, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign(petition)
        sign(petition)  # the same day, within the mailbox's 3 a day: sent again
    with (
        freeze_time(timezone.now() + timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign(petition)  # the next day, signing again resends the link

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert not outcome.counted
    assert queued == [signature.pk, signature.pk, signature.pk]
    assert counter_value(campaign_id=petition.campaign_id) == 0

    assert verify_signature(signature_id=signature.pk) is True
    assert verify_signature(signature_id=signature.pk) is False
    signature.refresh_from_db()
    assert signature.status == Signature.Status.VERIFIED
    assert signature.verified_at is not None
    assert counter_value(campaign_id=petition.campaign_id) == 1

    with (
        freeze_time(timezone.now() + timedelta(days=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign(petition)
    # Queued as for anyone (the same work whoever signs: test_signing_same_work.py),
    # but a verified signer gets no further e-mails: the task sends pending ones only.
    assert queued == [signature.pk] * 4
    assert send_signature_verification(signature_id=signature.pk) is False
    assert not mail.outbox


def test_verification_milestone_is_reached_at_verification_time(petition):
    petition.require_verification = True
    petition.save_revision().publish()
    petition.campaign.milestone_thresholds = [2]
    petition.campaign.save()
    ids = [sign(petition, email=f"p{i}@example.org").signature_id for i in range(3)]
    assert not petition.campaign.milestones.exists()

    verify_signature(signature_id=ids[2])
    verify_signature(signature_id=ids[0])

    (milestone,) = petition.campaign.milestones.all()
    assert milestone.threshold == 2
    assert milestone.reached_at >= Signature.objects.get(pk=ids[0]).verified_at


def test_verification_token_round_trip_and_tampering(petition):
    signature_id = sign(petition).signature_id
    token = verification_token(signature_id=signature_id)
    assert "example.org" not in token
    assert signature_for_token(token).pk == signature_id
    assert signature_for_token(token[:-2] + "xx") is None
    assert signature_for_token("garbage") is None


def test_opt_in_joins_only_the_campaigns_lists_as_pending_petition_subscriptions(
    petition,
):
    offered = MailingListFactory(slug="legal-protection", name="Legal Protection")
    not_offered = MailingListFactory(slug="other", name="Other")
    petition.campaign.default_lists.add(offered)

    sign(petition, list_ids=[offered.pk, not_offered.pk], list_language="pl")
    assert run_signup_requests() == 1  # the worker's part

    subscriber = Subscriber.objects.with_email("ana.morales@example.org").get()
    assert subscriber.language == "pl"
    (subscription,) = subscriber.subscriptions.all()
    assert subscription.mailing_list == offered
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.source == Subscription.Source.PETITION


def test_no_opt_in_creates_no_subscriber(petition):
    petition.campaign.default_lists.add(MailingListFactory())
    sign(petition)
    assert not Subscriber.objects.exists()
    assert Counter.objects.get().value == 1


def test_expired_unverified_signatures_are_purged_and_counted_ones_kept(petition):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from campaigns.services.petitions import VERIFY_MAX_AGE, purge_pending_signatures
    from campaigns.tasks import purge_pending_signatures_task

    counted = sign(petition, email="kept@example.org").signature_id
    petition.require_verification = True
    petition.save_revision().publish()
    old = sign(petition, email="old@example.org").signature_id
    fresh = sign(petition, email="fresh@example.org").signature_id
    long_ago = timezone.now() - timedelta(seconds=VERIFY_MAX_AGE + 60)
    Signature.objects.filter(pk__in=[old, counted]).update(created_at=long_ago)

    purge_pending_signatures_task()

    assert set(Signature.objects.values_list("pk", flat=True)) == {counted, fresh}
    assert counter_value(campaign_id=petition.campaign_id) == 1
    assert purge_pending_signatures() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["campaigns-purge-pending-signatures"]
    assert schedule["task"] == purge_pending_signatures_task.name


def test_a_signer_who_erases_their_data_stops_counting(petition):
    """The count stays equal to the signatures kept; reached milestones stay."""
    from subscribers import services
    from tests.factories import make_subscriber

    sign(petition, "ana.morales@example.org")
    sign(petition, "li@example.org")
    campaign_id = petition.campaign_id
    assert counter_value(campaign_id=campaign_id) == 2
    ana = make_subscriber("ana.morales@example.org")
    assert services.erase_subscriber(subscriber_id=ana.pk)
    assert Signature.objects.filter(campaign_id=campaign_id).count() == 1
    assert counter_value(campaign_id=campaign_id) == 1

    # A pending (never counted) signature takes nothing off when it goes.
    pending = Signature.objects.get()
    Signature.objects.filter(pk=pending.pk).update(status=Signature.Status.PENDING)
    Signature.objects.filter(pk=pending.pk).delete()
    assert counter_value(campaign_id=campaign_id) == 1
