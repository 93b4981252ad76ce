"""The signed tokens in e-mailed links: round trip, refusal, age, and never a run
SpamAssassin reads as a Bitcoin address."""

import re

import pytest
from django.core import signing
from freezegun import freeze_time
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns.services import petitions
from campaigns.services.petitions import VERIFY_SALT, verification_token
from cms import mail_tokens
from subscribers import tokens

# SpamAssassin 4.0's __BITCOIN_ID body rule (72_active.cf), as Perl reads it; behind
# PDS_BTC_ID (+1.0), which a confirmation mail scored in CI when a random signature
# happened to hold such a run.
BITCOIN_ID = re.compile(
    r"\b(?<!=)(?:[13](?:(?:[-_=\s][a-km-zA-HJ-NP-Z1-9]){29,34}"
    r"|[a-km-zA-HJ-NP-Z1-9]{29,34})"
    r"|bc1[acdefghjklmnpqrstuvwxyz234567890]{30,90}"
    r"|b[-_=\s]c[-_=\s]1(?:[-_=\s][acdefghjklmnpqrstuvwxyz234567890]){30,90})\b",
    re.ASCII,
)
SAMPLE = range(1, 20_001)
FROZEN_AT = "2026-12-03 20:15:33"


@pytest.fixture
def fixed_key(settings):
    settings.SECRET_KEY = "mail-tokens-test-key"
    settings.SECRET_KEY_FALLBACKS = []
    return settings


@freeze_time(FROZEN_AT)
def test_no_mailed_link_ever_reads_as_a_bitcoin_address(fixed_key):
    # The same 20,000 ids signed the old way (django.core.signing, at a fixed time
    # and key, so the count is the same every run) hold such runs: the check bites.
    old_style = [
        signing.dumps({"s": pk, "l": [1], "p": None}, salt="c", compress=True)
        for pk in SAMPLE
    ]
    assert sum(1 for token in old_style if BITCOIN_ID.search(f"/{token}/")) > 0

    links = [
        tokens.confirm_url(subscriber_id=pk, list_ids=[1], page_id=None, language="es")
        for pk in SAMPLE
    ] + [f"/verify/{verification_token(signature_id=pk)}/" for pk in SAMPLE]
    assert [link for link in links if BITCOIN_ID.search(link)] == []


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    subscriber=st.integers(1, 10**18 - 1),
    lists=st.lists(st.integers(1, 10**18 - 1), max_size=12, unique=True),
    page=st.none() | st.integers(1, 10**18 - 1),
)
def test_a_confirmation_token_round_trips_and_never_reads_as_bitcoin(
    subscriber, lists, page
):
    token = tokens.make_confirm_token(
        subscriber_id=subscriber, list_ids=lists, page_id=page
    )
    assert tokens.read_confirm_token(token) == {
        "s": subscriber,
        "l": sorted(lists),
        "p": page,
    }
    assert BITCOIN_ID.search(f"/{token}/") is None


def test_a_token_is_refused_when_tampered_made_for_another_purpose_or_malformed(
    fixed_key,
):
    token = mail_tokens.dumps("purpose", "12", "3-4")
    assert mail_tokens.loads("purpose", token, max_age=60) == ["12", "3-4"]
    ids, made_at, signature = token.rsplit(".", 2)
    forged = [
        token.replace("12.", "13.", 1),
        f"{ids}.{int(made_at) + 1}.{signature}",
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{ids}.{made_at}.{signature}x",
        "٣." + token,  # another script's digits
        "." + token,
        "x" * 2000,
        "",
    ]
    for bad in forged:
        with pytest.raises(signing.BadSignature):
            mail_tokens.loads("purpose", bad, max_age=60)
    with pytest.raises(signing.BadSignature):
        mail_tokens.loads("other purpose", token, max_age=60)
    with pytest.raises(ValueError, match="not a token field"):
        mail_tokens.dumps("purpose", "1.2")
    # Numbers are written one way only, even under a valid signature.
    with pytest.raises(ValueError, match="not a token field"):
        mail_tokens.dumps("purpose", "012")
    for message in ("012.3-4." + made_at, "12.03-4." + made_at, "12.3-4.0" + made_at):
        signed = f"{message}.{mail_tokens._signature('purpose', message, 'mail-tokens-test-key')}"
        with pytest.raises(signing.BadSignature):
            mail_tokens.loads("purpose", signed, max_age=60)


def test_a_token_expires_after_its_age_and_survives_a_key_rotation(fixed_key):
    with freeze_time("2026-12-01 10:00:00"):
        token = mail_tokens.dumps("purpose", "7")
    with freeze_time("2026-12-01 10:01:00"):
        assert mail_tokens.loads("purpose", token, max_age=60) == ["7"]
        fixed_key.SECRET_KEY = "the-next-key"
        fixed_key.SECRET_KEY_FALLBACKS = ["mail-tokens-test-key"]
        assert mail_tokens.loads("purpose", token, max_age=60) == ["7"]
        fixed_key.SECRET_KEY_FALLBACKS = []
        with pytest.raises(signing.BadSignature):
            mail_tokens.loads("purpose", token, max_age=60)
        fixed_key.SECRET_KEY = "mail-tokens-test-key"
    with freeze_time("2026-12-01 10:01:01"):
        with pytest.raises(signing.SignatureExpired):
            mail_tokens.loads("purpose", token, max_age=60)


def test_links_mailed_in_the_old_format_still_work_for_their_age(fixed_key):
    confirm = signing.dumps(
        {"s": 5, "l": [2, 1], "p": 9}, salt=tokens.CONFIRM_SALT, compress=True
    )
    assert tokens.read_confirm_token(confirm) == {"s": 5, "l": [2, 1], "p": 9}
    verify = signing.dumps(11, salt=VERIFY_SALT, compress=True)
    assert petitions._token_fields(verify) == (11, [])
    with pytest.raises(signing.BadSignature):
        petitions._token_fields(verify[:-1] + "x")
