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
        ("ana@xn--mnchen-3ya.de", "ana@xn--mnchen-3ya.de"),
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
    """Storage keeps the IDNA form mail is sent to; the person sees what they typed."""
    import json

    from subscribers.models import Subscriber
    from subscribers.tokens import mailed_preferences_url
    from tests.factories import make_subscriber

    subscriber = make_subscriber("zofia@xn--exmple-cua.org", language="pl")
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
