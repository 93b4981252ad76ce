"""`manage.py rotate_encryption_key` re-encrypts every encrypted value, not only the
subscribers': the README's rotation ends with dropping the old key, after which any
value still under it can never be read again (RSVP guests' names and addresses,
petition signers', partner webhook secrets)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from campaigns.models import Signature
from cms.partners.models import ApiKey, WebhookEndpoint
from events.models import Rsvp
from subscribers import crypto
from subscribers.fields import EncryptedTextField
from subscribers.models import (
    AddressChangeNotice,
    EmailChange,
    SignupRequest,
    Subscriber,
)
from tests.factories import (
    CampaignFactory,
    build_event,
    build_petition_page,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


def encrypted_fields():
    """(model, [field names]) for every table with an encrypted column."""
    found = []
    for model in apps.get_models():
        names = [
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


def _stored_values(model, names):
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in names
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - model metadata
        return [
            value for row in cursor.fetchall() for value in row if value is not None
        ]


def test_rotation_reencrypts_every_encrypted_field_so_the_old_key_can_go(
    settings, home_page
):
    ana = make_subscriber("ana@example.org", name="Ana")
    EmailChange.objects.create(subscriber=ana, email="ana@example.net")
    SignupRequest.objects.create(
        email="raj@example.org",
        email_hash=crypto.lookup_hash("raj@example.org"),
        name="Raj",
        language="hi",
        list_ids=[],
        source="signup",
    )
    event = build_event(home_page)
    Rsvp.objects.create(
        event=event,
        name="Li Wei",
        email="li@example.org",
        email_hash=crypto.lookup_hash("li@example.org"),
        language="zh-hans",
        status="confirmed",
    )
    campaign = CampaignFactory()
    Signature.objects.create(
        campaign=campaign,
        page=build_petition_page(home_page, campaign),
        email="jan@example.org",
        email_hash=crypto.lookup_hash("jan@example.org"),
        mailbox_hash=crypto.lookup_hash("jan@example.org"),
        name="Jan",
        status=Signature.Status.VERIFIED,
        created_at=timezone.now(),
    )
    AddressChangeNotice.objects.create(email="old@example.org", language="pl")
    key = ApiKey.objects.create(name="Clinic", partner="Clinic", prefix="abc123")
    WebhookEndpoint.objects.create(
        api_key=key, url="https://clinic.example.org/hook", secret="whsec_abc"
    )

    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key(), old]
    call_command("rotate_encryption_key", batch_size=1)

    # Every model with an encrypted column holds a row here, and none is left under
    # the old key (a model added later without a row here fails this test).
    found = encrypted_fields()
    assert {model for model, _names in found} >= {
        Subscriber,
        SignupRequest,
        Rsvp,
        Signature,
        WebhookEndpoint,
    }
    for model, names in found:
        values = _stored_values(model, names)
        assert values, f"no {model.__name__} row to rotate in this test"
        assert all(crypto.is_current(value) for value in values), model.__name__

    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert Subscriber.objects.get().email == "ana@example.org"
    assert SignupRequest.objects.get().name == "Raj"
    guest = Rsvp.objects.get()
    assert (guest.name, guest.email) == ("Li Wei", "li@example.org")
    signer = Signature.objects.get()
    assert (signer.name, signer.email) == ("Jan", "jan@example.org")
    assert WebhookEndpoint.objects.get().secret == "whsec_abc"
    assert AddressChangeNotice.objects.get().email == "old@example.org"
