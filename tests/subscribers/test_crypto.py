import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from subscribers import crypto
from subscribers.models import Subscriber
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db


def test_round_trip_and_fresh_nonce():
    first, second = crypto.encrypt("ana@example.org"), crypto.encrypt("ana@example.org")
    assert first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "ana@example.org"


def test_tampered_value_is_rejected():
    token = bytearray(crypto.encrypt("ana@example.org"))
    token[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(token))


def test_old_key_still_decrypts_after_rotation(settings):
    old = crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("luis@example.org")
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key(), old]
    assert crypto.decrypt(token) == "luis@example.org"
    assert not crypto.is_current(token)
    settings.FIELD_ENCRYPTION_KEYS = [crypto.generate_key()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_lookup_hash_is_keyed_and_normalised(settings):
    assert crypto.lookup_hash(" Ana@Example.org ") == crypto.lookup_hash(
        "ana@example.org"
    )
    before = crypto.lookup_hash("ana@example.org")
    settings.LOOKUP_HASH_KEY = "another-key"
    assert crypto.lookup_hash("ana@example.org") != before


def test_database_holds_ciphertext_only():
    subscriber = make_subscriber(
        "Carmen.Ruiz@Example.org", name="Carmen Ruiz", language="es"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, name, email_hash FROM subscribers_subscriber WHERE id = %s",
            [subscriber.pk],
        )
        raw_email, raw_name, email_hash = cursor.fetchone()
    assert b"carmen" not in bytes(raw_email).lower()
    assert b"Carmen" not in bytes(raw_name)
    assert "carmen" not in email_hash

    loaded = Subscriber.objects.with_email("carmen.ruiz@example.org").get()
    assert (loaded.email, loaded.name) == ("carmen.ruiz@example.org", "Carmen Ruiz")
