import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.selectors import audience_size_by_language
from campaigns.mailings.services.starting import materialise_deliveries, page_languages
from subscribers.crypto import lookup_hash
from subscribers.models import Subscription, Suppression
from tests.campaigns.mailing_fixtures import lists, subscribe

pytestmark = pytest.mark.django_db


def draft(page, chosen, **fields):
    mailing = Mailing.objects.create(page=page, **fields)
    mailing.lists.set(chosen)
    return mailing


def test_three_lists_one_delivery_and_the_audience_rules(home_page):
    legal, outreach, health = lists()
    subscribe("ana@example.org", [legal, outreach, health], language="es")
    subscribe("li@example.org", [health], language="zh-hans")
    subscribe("pending@example.org", [legal], status=Subscription.Status.PENDING)
    subscribe("left@example.org", [legal], status=Subscription.Status.UNSUBSCRIBED)
    subscribe("bounced@example.org", [legal])
    Suppression.objects.create(
        email_hash=lookup_hash("bounced@example.org"), reason="hard_bounce"
    )
    subscribe("elsewhere@example.org", lists(1))

    mailing = draft(home_page, [legal, outreach, health])
    assert materialise_deliveries(mailing, ["en", "es"]) == 2
    assert materialise_deliveries(mailing, ["en", "es"]) == 2, (
        "a second run adds nothing"
    )

    rows = dict(Delivery.objects.values_list("subscriber__email_hash", "language"))
    assert rows == {
        lookup_hash("ana@example.org"): "es",
        lookup_hash("li@example.org"): "en",
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}


def test_language_and_zip_filters(home_page):
    (legal,) = lists(1)
    subscribe("a@example.org", [legal], language="ar", zip_code="60659")
    subscribe("b@example.org", [legal], language="ar", zip_code="60608")
    subscribe("c@example.org", [legal], language="pl", zip_code="60659")

    assert audience_size_by_language(list_ids=[legal.pk]) == {"ar": 2, "pl": 1}
    assert audience_size_by_language(list_ids=[legal.pk], languages=["ar"]) == {"ar": 2}
    assert audience_size_by_language(list_ids=[legal.pk], zip_prefix="6065") == {
        "ar": 1,
        "pl": 1,
    }

    mailing = draft(home_page, [legal], languages=["ar"], zip_prefix="6065")
    assert materialise_deliveries(mailing, ["en", "ar"]) == 1
    assert Delivery.objects.get().language == "ar"


def test_page_languages_lists_live_translations(home_page):
    spanish = home_page.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.save_revision().publish()
    home_page.copy_for_translation(Locale.objects.get(language_code="ar"))  # draft only
    assert set(page_languages(home_page)) == {"en", "es"}


def test_a_zip_prefix_typed_in_another_scripts_digits_is_read_as_ascii():
    """ZIP codes are stored with ASCII digits (cms.form_fields.ZipCodeField): a prefix
    typed on an Arabic keyboard (٦٠٦) reached nobody; it is 606."""
    from campaigns.mailings.forms import MailingForm

    field = MailingForm.base_fields["zip_prefix"]
    assert field.clean("٦٠٦") == "606"
    assert field.clean("６０６５") == "6065"
    assert field.clean("") == ""
    for refused in ("60a", "606080", "6-0"):
        with pytest.raises(ValidationError):
            field.clean(refused)
