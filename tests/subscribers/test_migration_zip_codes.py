"""Migrations subscribers 0012 and campaigns 0014: ZIP codes stored in another
script's digits before the forms normalised them become ASCII."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from campaigns.models import Signature
from subscribers import crypto
from subscribers.models import Subscriber
from tests.factories import CampaignFactory, build_petition_page, make_subscriber

pytestmark = pytest.mark.django_db


def run(app: str, name: str) -> None:
    importlib.import_module(f"{app}.migrations.{name}").to_ascii(apps, None)


def test_stored_zip_codes_in_other_scripts_digits_become_ascii(home_page):
    typed = {
        "ar@example.org": "٦٠٦٠٨",
        "hi@example.org": "६०६०८-१२३४",
        "ok@example.org": "60608",
        "none@example.org": "",
        "odd@example.org": "½0608",  # not a ZIP in any script: left as it is
    }
    for email, zip_code in typed.items():
        make_subscriber(email, zip_code=zip_code)
    campaign = CampaignFactory()
    page = build_petition_page(home_page, campaign)
    Signature.objects.create(
        campaign=campaign,
        page=page,
        email="zh@example.org",
        email_hash=crypto.lookup_hash("zh@example.org"),
        mailbox_hash=crypto.lookup_hash("zh@example.org"),
        zip_code="６０６３４",
        created_at=timezone.now(),
    )
    run("subscribers", "0012_zip_codes_in_ascii")
    run("campaigns", "0014_zip_codes_in_ascii")
    stored = {person.email: person.zip_code for person in Subscriber.objects.all()}
    assert stored == {
        "ar@example.org": "60608",
        "hi@example.org": "60608-1234",
        "ok@example.org": "60608",
        "none@example.org": "",
        "odd@example.org": "½0608",
    }
    assert Signature.objects.get().zip_code == "60634"
