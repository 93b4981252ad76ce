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
