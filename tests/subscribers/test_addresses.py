"""One form for each mailbox: the form mail is delivered to (subscribers/addresses.py)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from subscribers.addresses import (
    EmailAddressField,
    has_refused_character,
    validate_mailbox,
)
from subscribers.crypto import lookup_hash, normalise_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ana@Example.org ", "ana@example.org"),
        ("ana@exa\u200bmple.org", "ana@example.org"),
        ("ana@\uff45xample.org", "ana@example.org"),
        ("\uff41na@example.org", "ana@example.org"),
        ("jurgen@MÜNCHEN.de", "jurgen@münchen.de"),
        ("ana@xn--mnchen-3ya.de", "ana@münchen.de"),
        ("ana@mail.XN--MNCHEN-3YA.de", "ana@mail.münchen.de"),
        ("ana@xn--zz-zzzz.org", "ana@xn--zz-zzzz.org"),  # not valid punycode
        ("ana@xn--abc-4q0a.org", "ana@xn--abc-4q0a.org"),  # a right-to-left override
        ("xn--ana@example.org", "xn--ana@example.org"),
    ],
)
def test_normalise_email_gives_the_form_mail_reaches(typed, stored):
    assert normalise_email(typed) == stored


def test_look_alikes_share_the_lookup_hash(settings):
    settings.LOOKUP_HASH_KEY = "test-key"
    hashes = {
        lookup_hash(email)
        for email in (
            "ana@example.org",
            "ana@exa\u200bmple.org",
            "ana@\uff45xample.org",
        )
    }
    assert len(hashes) == 1


@pytest.mark.parametrize(
    "address",
    [
        "ana@ex\u202eample.org",  # shown reversed, and the sender cannot encode it
        "ana\u200b@example.org",
        "ana\u2066@example.org",
        "an\u0007a@example.org",
        "ana@exa\u200bmple.org",  # the sender would drop it: refused all the same
        "ana@exa\u2066mple.org",  # a bidi isolate, which the old IDNA codec keeps
        "ana@exa\u3000mple.org",  # an ideographic space
        "ana@exa\u3164mple.org",  # a Hangul filler (a letter that shows as nothing)
        "ana@exa\u061cmple.org",  # the Arabic letter mark
    ],
)
def test_undeliverable_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        validate_mailbox(address)
    with pytest.raises(ValidationError):
        EmailAddressField().clean(address)


def test_the_field_gives_back_the_stored_form():
    field = EmailAddressField()
    assert field.clean("Ana@\uff25XAMPLE.org") == "ana@example.org"
    assert field.clean("jose@MÜNCHEN.de") == "jose@münchen.de"


@pytest.mark.django_db
def test_rows_hashed_the_old_way_are_brought_up_to_date():
    """What migrations subscribers 0008, campaigns 0008 and events 0010 run."""
    import hashlib
    import hmac

    from django.conf import settings

    from subscribers.models import Subscriber
    from subscribers.rehash import rehash_addresses

    def old_hash(email):
        key = settings.LOOKUP_HASH_KEY.encode()
        return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()

    plain = Subscriber.objects.create(
        email="grace@example.org", email_hash=old_hash("grace@example.org")
    )
    odd = Subscriber.objects.create(
        email="ana@\uff45xample.org", email_hash=old_hash("ana@\uff45xample.org")
    )
    twin = Subscriber.objects.create(
        email="grace@exa\u200bmple.org", email_hash=old_hash("grace@exa\u200bmple.org")
    )

    assert rehash_addresses(Subscriber) == 1
    odd.refresh_from_db()
    assert (odd.email, odd.email_hash) == (
        "ana@example.org",
        lookup_hash("ana@example.org"),
    )
    assert Subscriber.objects.with_email("ana@\uff45xample.org").get() == odd
    plain.refresh_from_db()
    assert plain.email_hash == lookup_hash("grace@example.org")
    twin.refresh_from_db()
    assert twin.email_hash == old_hash("grace@exa\u200bmple.org"), (
        "the mailbox already has a row: the twin keeps its hash"
    )


def test_one_message_when_both_checks_refuse_an_address():
    with pytest.raises(ValidationError) as refused:
        EmailAddressField().clean("ana\u200b@example.org")
    assert refused.value.messages == ["Enter a valid email address."]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_the_ascii_shortcut_refuses_what_the_full_scan_refuses(text):
    """validate_mailbox skips the per-character scan for ASCII: same answer."""
    address = f"a{text}@example.org"
    try:
        validate_mailbox(address)
        refused = False
    except ValidationError:
        refused = True
    assert refused == has_refused_character(address)


def test_preferences_page_and_data_download_show_the_domain_in_unicode(client, db):
    """An address kept in the IDNA form (one not valid as punycode, or stored before
    that form was folded) is shown with its domain in Unicode."""
    import json

    from subscribers.models import Subscriber
    from subscribers.tokens import mailed_preferences_url
    from tests.factories import make_subscriber

    subscriber = make_subscriber("zofia@exämple.org", language="pl")
    Subscriber.objects.update(email="zofia@xn--exmple-cua.org")
    # The full page (the download is only there): the link mailed on request.
    url = mailed_preferences_url(subscriber.pk, generation=0)
    path = "/" + url.split("/", 3)[3]

    page = client.get(path).content.decode()
    download = json.loads(client.post(path, {"action": "download"}).content)

    assert "zofia@exämple.org" in page
    assert "xn--" not in page
    assert download["subscriber"]["email"] == "zofia@exämple.org"
    assert Subscriber.objects.get().email == "zofia@xn--exmple-cua.org"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("ana@example.org", "ana@example.org"),
        ("ana@xn--zz-zzzz.org", "ana@xn--zz-zzzz.org"),  # not valid punycode
        ("ana@xn--abc-4q0a.org", "ana@xn--abc-4q0a.org"),  # a right-to-left override
        ("ana@xn--mxa.org", "ana@α.org"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_display_email_shows_as_stored_what_it_cannot_decode_safely(stored, shown):
    from subscribers.addresses import display_email

    assert display_email(stored) == shown


@pytest.mark.django_db
def test_a_domain_typed_in_punycode_is_the_same_mailbox_as_in_unicode():
    """Django's sender delivers ana@bücher.example and ana@xn--bcher-kva.example to
    the same mailbox, but the second used to be stored and hashed as typed: an erased
    person was back on the lists, and mailed a confirmation, by typing the domain the
    other way (the petition's side: tests/campaigns/test_petitions.py)."""
    from django.core import mail

    from subscribers import services
    from subscribers.models import Subscriber, Suppression
    from tests.factories import MailingListFactory

    unicode_form, idna_form = "ana@bücher.example", "Ana@XN--BCHER-KVA.example"
    assert lookup_hash(unicode_form) == lookup_hash(idna_form)

    legal = MailingListFactory()
    person = services.request_signup(
        email=unicode_form, language="es", list_ids=[legal.pk], source="signup"
    )
    services.erase_subscriber(subscriber_id=person.pk)
    assert Suppression.objects.exists()
    mail.outbox.clear()
    again = services.request_signup(
        email=idna_form, language="es", list_ids=[legal.pk], source="signup"
    )
    assert again is None
    assert not Subscriber.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_rows_stored_with_a_punycode_domain_are_rehashed():
    """What migrations subscribers 0010, campaigns 0013 and events 0012 run."""
    import hashlib
    import hmac

    from django.conf import settings

    from subscribers.models import Subscriber
    from subscribers.rehash import rehash_addresses

    def old_hash(email):
        key = settings.LOOKUP_HASH_KEY.encode()
        return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()

    row = Subscriber.objects.create(
        email="ana@xn--bcher-kva.example",
        email_hash=old_hash("ana@xn--bcher-kva.example"),
    )
    assert rehash_addresses(Subscriber) == 1
    row.refresh_from_db()
    assert row.email == "ana@bücher.example"
    assert Subscriber.objects.with_email("ana@bücher.example").get() == row
