"""cms/ratelimit.py: the client behind trusted proxies, keyed hashes, mailboxes, windows."""

import pytest
from django.test import RequestFactory

from cms import ratelimit
from cms.settings.env import parse_rate

factory = RequestFactory()


def request(remote="203.0.113.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "client"),
    [
        # No proxy: X-Forwarded-For is whatever the client wrote, and ignored.
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # One proxy: it appended the address it saw; anything left of it is forged.
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6,198.51.100.1 ", "198.51.100.1"),
        # CDN + nginx: the CDN appended the client, nginx appended the CDN.
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.1, 192.0.2.50", "198.51.100.1"),
        # Fewer entries than proxies (the outer one was skipped): the leftmost.
        (2, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # Missing or garbage header: the proxy's own address, never the garbage.
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "not-an-ip", "10.0.0.2"),
        (1, "10.0.0.2", "<script>", "10.0.0.2"),
        # Ports, brackets, IPv4-mapped IPv6.
        (1, "10.0.0.2", "198.51.100.1:4711", "198.51.100.1"),
        (1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        (0, "::ffff:198.51.100.7", None, "198.51.100.7"),
        (0, "", None, "unknown"),
    ],
)
def test_client_address_behind_trusted_proxies(
    settings, hops, remote, forwarded, client
):
    settings.TRUSTED_PROXY_COUNT = hops
    assert ratelimit.client_address(request(remote, forwarded)) == client


def test_an_ipv6_client_is_its_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    first = request("2001:db8:1:2::1")
    same_home = request("2001:db8:1:2:ffff::9")
    neighbour = request("2001:db8:1:3::1")
    assert ratelimit.client_network(first) == "2001:db8:1:2::/64"
    assert ratelimit.client_id(first) == ratelimit.client_id(same_home)
    assert ratelimit.client_id(first) != ratelimit.client_id(neighbour)


@pytest.mark.parametrize(
    ("address", "box"),
    [
        ("Ana@Example.org", "ana@example.org"),
        ("ana+petition@example.org", "ana@example.org"),
        ("a.n.a+1@gmail.com", "ana@gmail.com"),
        ("ANA@googlemail.com", "ana@gmail.com"),
        ("a.n.a@example.org", "a.n.a@example.org"),  # dots matter elsewhere
        ("ana@bücher.example", "ana@xn--bcher-kva.example"),
        (" ana@example.org. ", "ana@example.org"),
        ("not an address", "not an address"),
    ],
)
def test_mailbox_normalises_for_limits_only(address, box):
    assert ratelimit.mailbox(address) == box


def test_keyed_hashes_depend_on_the_secret_and_the_purpose(settings):
    first = ratelimit.keyed_hash("client", "198.51.100.1")
    assert first == ratelimit.keyed_hash("client", "198.51.100.1")
    assert first != ratelimit.keyed_hash("address", "198.51.100.1")
    settings.SECRET_KEY = "another-secret"
    assert first != ratelimit.keyed_hash("client", "198.51.100.1")
    assert len(first) == 32
    # Hex digits only: no part of the address survives (a bare "198" can turn up in
    # any hash, one run in ~150 with a random SECRET_KEY).
    assert all(char in "0123456789abcdef" for char in first)
    assert "198.51" not in first


def test_windows_count_and_close(settings, rate_limit):
    rate_limit("signup.client", "3/1h")
    assert [ratelimit.allow("signup.client", "k") for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert ratelimit.allow("signup.client", "another") is True
    rate_limit("signup.client", "0")
    assert all(ratelimit.allow("signup.client", "k") for _ in range(10))


def test_limits_taken_in_turn_stop_at_the_first_refused(rate_limit):
    """``first_refused`` counts as ``allow`` would, one limit after the other: a
    refused limit is counted, the ones after it are not, and a limit switched off is
    not even keyed."""
    rate_limit("rsvp.client", "3/1h")
    rate_limit("rsvp.address", "1/1h")
    rate_limit(ratelimit.CONFIRMATION_MAIL, "2/1d")

    def turn(client, address):
        return ratelimit.first_refused(
            ("rsvp.client", lambda: client),
            ("rsvp.address", lambda: address),
            (ratelimit.CONFIRMATION_MAIL, lambda: address),
        )

    assert turn("c", "a") is None
    assert turn("c", "a") == "rsvp.address"
    assert turn("c", "b") is None
    assert turn("c", "d") == "rsvp.client"

    assert ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "a"), "counted once of two"
    assert not ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "a")
    assert ratelimit.allow("rsvp.address", "d"), "not counted behind a refusal"
    assert not ratelimit.allow("rsvp.client", "c")

    rate_limit("rsvp.address", "0")
    unkeyed = ("rsvp.address", lambda: pytest.fail("keyed a limit that is off"))
    assert ratelimit.first_refused(unkeyed, ("rsvp.client", lambda: "e")) is None


def test_an_allowance_given_back_can_be_taken_again(rate_limit):
    rate_limit(ratelimit.CONFIRMATION_MAIL, "1/1d")
    assert ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "g")
    ratelimit.give_back(ratelimit.CONFIRMATION_MAIL, "g")
    assert ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "g")
    assert not ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "g")

    ratelimit.give_back(ratelimit.CONFIRMATION_MAIL, "never-counted")
    assert ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "never-counted")
    assert not ratelimit.allow(ratelimit.CONFIRMATION_MAIL, "never-counted"), (
        "a give-back never leaves a counter below zero"
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("300/10m", (300, 600)),
        ("5/h", (5, 3600)),
        ("1/1d", (1, 86400)),
        ("20/30s", (20, 30)),
        ("0", (0, 0)),
        ("off", (0, 0)),
    ],
)
def test_rates_parse(text, parsed):
    assert parse_rate(text) == parsed


@pytest.mark.parametrize("text", ["", "5", "5/", "5/10x", "five/h", "-1/h"])
def test_bad_rates_stop_the_start(text, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from cms.settings.env import env_rate

    monkeypatch.setenv("RATE_LIMIT_TEST", text)
    if text == "":
        assert env_rate("RATE_LIMIT_TEST", "1/h") == "1/h"  # unset: the default
        return
    with pytest.raises(ImproperlyConfigured):
        env_rate("RATE_LIMIT_TEST", "1/h")


def test_limits_let_everyone_through_while_redis_is_unreachable(settings, rate_limit):
    """A Redis outage must not refuse a signup: the counter fails open."""
    from tests.smtp_sink import free_port

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "cms.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    rate_limit("signup.client", "1/1h")
    assert all(ratelimit.allow("signup.client", "k") for _ in range(3))
    turn = (("signup.client", lambda: "k"), ("signup.client", lambda: "k"))
    assert all(ratelimit.first_refused(*turn) is None for _ in range(3))
    ratelimit.give_back("signup.client", "k")


def test_log_ids_link_one_day_and_cannot_be_recomputed_once_the_salt_is_gone():
    """Found in the privacy audit: the access log's client id was a hash under a key
    derived from SECRET_KEY alone, never rotated: whoever held the key turned an id back
    into an IPv4 address in 0.06 s, and one client's lines linked across months."""
    from freezegun import freeze_time

    environ = {"REMOTE_ADDR": "198.51.100.77"}
    ratelimit.counter_cache().clear()
    ratelimit._log_salts.clear()
    with freeze_time("2026-12-05 10:00:00"):
        first = ratelimit.client_log_id(environ)
        assert ratelimit.client_log_id(environ) == first
        assert ratelimit.client_log_id({"REMOTE_ADDR": "198.51.100.78"}) != first
    with freeze_time("2026-12-06 10:00:00"):
        assert ratelimit.client_log_id(environ) != first, "a new day, a new id"
    with freeze_time("2026-12-05 23:00:00"):
        # Another process the same day shares the salt through the cache ...
        ratelimit._log_salts.clear()
        assert ratelimit.client_log_id(environ) == first
        # ... and once it is gone (two days later), nobody can make the id again.
        ratelimit.counter_cache().clear()
        ratelimit._log_salts.clear()
        assert ratelimit.client_log_id(environ) != first
