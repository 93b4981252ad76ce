"""Signatures become one per mailbox (campaigns migrations 0009 and 0010) over rows
signed before: every row stays, the mailbox's hash goes to one of them, and the
mailbox cannot sign again with a new +tag; and back again."""

import pytest
from django.utils import timezone

from campaigns.models import Signature
from campaigns.services.petitions import record_signature
from subscribers import crypto
from tests.factories import CampaignFactory, build_petition_page
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("campaigns", "0008_rehash_unicode_addresses")
AFTER = ("campaigns", "0010_one_signature_per_mailbox")


def test_rows_signed_per_address_keep_counting_and_the_mailbox_signs_no_more(
    home_page,
):
    campaign = CampaignFactory()
    petition = build_petition_page(home_page, campaign)
    typed = ["ana+1@example.org", "ana@example.org", "ana+2@example.org", "li@x.org"]
    try:
        executor = migrate(BEFORE)
        Old = executor.loader.project_state([BEFORE]).apps.get_model(
            "campaigns", "Signature"
        )
        now = timezone.now()
        for email in typed:
            Old.objects.create(
                campaign_id=campaign.pk,
                page_id=petition.pk,
                email=email,
                email_hash=crypto.lookup_hash(email),
                status="verified",
                created_at=now,
                verified_at=now,
            )
        migrate(AFTER)
    finally:
        migrate_to_latest()

    keys = dict(Signature.objects.values_list("email", "mailbox_hash"))
    assert keys == {
        # The address typed as the mailbox holds its hash; the tags keep their own.
        "ana@example.org": crypto.lookup_hash("ana@example.org"),
        "ana+1@example.org": crypto.lookup_hash("ana+1@example.org"),
        "ana+2@example.org": crypto.lookup_hash("ana+2@example.org"),
        "li@x.org": crypto.lookup_hash("li@x.org"),
    }
    again = record_signature(page=petition, email="ana+3@example.org", language="en")
    assert not again.created
    assert (
        record_signature(page=petition, email="li+1@x.org", language="en").created
        is False
    )
    assert Signature.objects.count() == 4

    try:
        migrate(("campaigns", "0008_rehash_unicode_addresses"))
    finally:
        migrate_to_latest()
    assert Signature.objects.count() == 4
