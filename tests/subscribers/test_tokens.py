import time

import pytest

from subscribers import tokens

pytestmark = pytest.mark.django_db


def test_urls_are_absolute_signed_and_carry_no_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://ona.example.org"
    url = tokens.unsubscribe_url(12, mailing_id=34)
    assert url.startswith("https://ona.example.org/subscribers/unsubscribe/12.34.")
    assert tokens.preferences_url(12).startswith(
        "https://ona.example.org/subscribers/preferences/12."
    )
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert tokens.read_unsubscribe_token(token) == tokens.UnsubscribeToken(12, 34)


@pytest.mark.parametrize(
    "bad", ["", "12", "12.34", "12.34.x", "a.b.c", "13.34.AAAA", "12.34.AAAA.5"]
)
def test_bad_unsubscribe_tokens(bad):
    with pytest.raises(tokens.InvalidToken):
        tokens.read_unsubscribe_token(bad)


def test_a_changed_secret_invalidates_tokens(settings):
    token = tokens.make_preferences_token(5)
    settings.SECRET_KEY = "another-secret"
    with pytest.raises(tokens.InvalidToken):
        tokens.read_preferences_token(token)


def test_100k_unsubscribe_urls_in_seconds_without_queries(django_assert_num_queries):
    start = time.perf_counter()
    with django_assert_num_queries(0):
        urls = [tokens.unsubscribe_url(n, mailing_id=9) for n in range(100_000)]
    elapsed = time.perf_counter() - start
    assert len(set(urls)) == 100_000
    assert elapsed < 10, f"{elapsed:.1f}s"


def test_only_canonical_numbers_are_read(client):
    """A token's ids are written one way only: "02.0.<sig>" is not "2.0.<sig>" with a
    leading zero forgiven but a tampered link (400, in the reader's language)."""
    today = int(time.time() // 86400)
    unsubscribe = tokens.make_unsubscribe_token(2).split(".")
    preferences = tokens.make_preferences_token(19, day=today).split(".")
    undated_signature = tokens._signature("preferences", "19")
    for bad in (
        f"02.0.{unsubscribe[2]}",
        f"2.00.{unsubscribe[2]}",
        f"2.{chr(0x0660)}.{unsubscribe[2]}",  # another script's zero
    ):
        with pytest.raises(tokens.InvalidToken):
            tokens.read_unsubscribe_token(bad)
        answer = client.get(f"/es/subscribers/unsubscribe/{bad}/")
        assert answer.status_code == 400
        assert "Este enlace no es válido" in answer.content.decode()
    for bad in (
        f"019.{today}.0.{preferences[3]}",
        f"19.0{today}.0.{preferences[3]}",
        f"19.{today}.00.{preferences[3]}",
        f"019.{undated_signature}",  # would read as an expired link of subscriber 19
    ):
        with pytest.raises(tokens.InvalidToken) as refused:
            tokens.read_preferences_token(bad)
        assert type(refused.value) is tokens.InvalidToken, bad
        assert client.get(f"/ar/subscribers/preferences/{bad}/").status_code == 400
