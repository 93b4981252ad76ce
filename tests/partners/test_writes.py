"""Writes through the API obey the public forms' rules: idempotency, limits, suppression,
consent, validation in the partner's language, capacity and waitlist."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from campaigns.models import Counter, Signature
from cms.partners.models import Action, IdempotencyRecord, PartnerConsent
from events.models import Rsvp
from subscribers import services as subscriber_services
from subscribers.models import Subscriber, Subscription, Suppression

from .conftest import auth, make_key, person, post

pytestmark = pytest.mark.django_db


def signatures_path(world) -> str:
    return f"/api/v1/petitions/{world.petition_a.pk}/signatures/"


def test_a_retried_post_creates_nothing_new_and_gets_the_first_answer(
    client, world, django_capture_on_commit_callbacks
):
    _key, token = make_key(world)
    body = {"person": person("ana@example.org", language="es")}
    with django_capture_on_commit_callbacks():
        first = post(client, signatures_path(world), body, token, key="sheet-17-row-3")
        again = post(client, signatures_path(world), body, token, key="sheet-17-row-3")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Signature.objects.count() == 1
    assert Counter.objects.get(campaign=world.campaign_a, kind="signatures").value == 1
    assert IdempotencyRecord.objects.count() == 1

    # The same key for a different request is refused, and changes nothing.
    other = {"person": person("bo@example.org")}
    reused = post(client, signatures_path(world), other, token, key="sheet-17-row-3")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Signature.objects.count() == 1


def test_every_post_needs_an_idempotency_key(client, world):
    _key, token = make_key(world)
    response = client.post(
        signatures_path(world),
        {"person": person("ana@example.org")},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="pl",
        **auth(token),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "header.Idempotency-Key": ["To pole jest wymagane."]
    }
    assert response.json()["code"] == "idempotency_key_missing"
    too_long = post(
        client,
        signatures_path(world),
        {"person": person("a@example.org")},
        token,
        key="k" * 256,
    )
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "idempotency_key_invalid"
    assert list(too_long.json()["errors"]) == ["header.Idempotency-Key"]
    assert Signature.objects.count() == 0


def test_a_failed_request_leaves_no_record_so_a_retry_runs(client, world, monkeypatch):
    from cms.partners.api import resources

    _key, token = make_key(world)
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("database went away")

    monkeypatch.setattr(resources, "record_signature", broken)
    client.raise_request_exception = False
    body = {"person": person("ana@example.org")}
    assert (
        post(client, signatures_path(world), body, token, key="k1").status_code == 500
    )
    assert IdempotencyRecord.objects.count() == 0
    monkeypatch.undo()
    assert (
        post(client, signatures_path(world), body, token, key="k1").status_code == 202
    )
    assert Signature.objects.count() == 1


def test_each_key_has_its_own_rate_limit(client, world, settings):
    key, token = make_key(world)
    key.rate_limit_per_minute = 3
    key.save()
    _other, other_token = make_key(world)
    statuses = [
        client.get("/api/v1/lists/", **auth(token)).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    limited = client.get("/api/v1/lists/", **auth(token))
    assert limited["Retry-After"] == "60"
    assert limited.json()["code"] == "rate_limited"
    # Another partner's key is not held up.
    assert client.get("/api/v1/lists/", **auth(other_token)).status_code == 200
    settings.PARTNER_API_RATE_PER_MINUTE = 2
    assert [
        client.get("/api/v1/key/", **auth(other_token)).status_code for _ in range(3)
    ][-1] == 429


def test_guessing_keys_is_throttled_per_client(client, world, settings):
    settings.PARTNER_API_BAD_KEYS_PER_MINUTE = 2
    statuses = [
        client.get("/api/v1/lists/", **auth(f"ona_{n}_guess")).status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 429, 429]


def test_suppressed_addresses_are_never_resubscribed(
    client, world, django_capture_on_commit_callbacks
):
    _key, token = make_key(world)
    subscriber_services.suppress(email="gone@example.org", reason="complaint")
    left = Subscriber.for_email("left@example.org")
    left.save()
    subscriber_services.unsubscribe(subscriber_id=left.pk)  # left everything
    body_for = lambda email, **extra: {  # noqa: E731
        "person": person(email),
        "lists": [world.list_a.pk],
        **extra,
    }
    consent = {"statement": "Sign me up", "given_at": timezone.now().isoformat()}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answers = [
            post(client, "/api/v1/people/", body_for("gone@example.org"), token),
            post(
                client,
                "/api/v1/people/",
                body_for("GONE@example.org", consent=consent),
                token,
            ),
            post(
                client,
                "/api/v1/people/",
                body_for("left@example.org", consent=consent),
                token,
            ),
        ]
    # The same answer as for anyone, and nothing stored or mailed.
    assert [answer.status_code for answer in answers] == [202, 202, 202]
    assert len({answer.content for answer in answers}) == 1
    assert not Subscriber.objects.with_email("gone@example.org").exists()
    assert not Subscription.objects.filter(subscriber=left).exists()
    assert PartnerConsent.objects.count() == 0
    assert callbacks == []
    assert Suppression.objects.count() == 2


def test_consent_path_records_confirmed_with_the_partners_statement(client, world):
    key, token = make_key(world)
    given_at = timezone.now() - timedelta(days=2)
    response = post(
        client,
        "/api/v1/people/",
        {
            "person": person("ana@example.org", language="es"),
            "lists": [world.list_a.pk],
            "consent": {
                "statement": "Sí, quiero recibir noticias del grupo de la comunidad.",
                "given_at": given_at.isoformat(),
            },
        },
        token,
    )
    assert response.status_code == 202
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed"
    assert subscription.source == "partner"
    assert subscription.consented_at == given_at
    consent = PartnerConsent.objects.get()
    assert consent.statement.startswith("Sí, quiero")
    assert (consent.api_key, consent.partner, consent.given_at) == (
        key,
        "The Resurrection Project",
        given_at,
    )
    # The person's own "download my data" shows it; erasing them erases it.
    exported = subscriber_services.export_subscriber_data(
        subscriber_id=subscription.subscriber_id
    )
    assert exported["partners.partnerconsent"][0]["statement"].startswith("Sí")
    subscriber_services.erase_subscriber(subscriber_id=subscription.subscriber_id)
    assert PartnerConsent.objects.count() == 0


def test_consent_path_needs_its_own_scope(client, world):
    _key, token = make_key(world, [Action.SIGNUP])
    response = post(
        client,
        "/api/v1/people/",
        {
            "person": person("ana@example.org"),
            "lists": [world.list_a.pk],
            "consent": {"statement": "yes", "given_at": timezone.now().isoformat()},
        },
        token,
    )
    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_errors_come_in_the_partners_language_and_write_nothing(client, world):
    _key, token = make_key(world)
    bad = {
        "person": {
            "given_name": "Ana\nBcc: x@example.org",
            "email_addresses": [{"address": "not-an-address"}],
            "postal_addresses": [{"postal_code": "606"}],
            "languages_spoken": ["es"],
        },
        "lists": [world.list_a.pk, world.list_b.pk],
    }
    response = post(client, "/api/v1/people/", bad, token, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "person.given_name",
        "person.email_addresses",
        "person.postal_addresses",
        "lists",
    }
    assert errors["person.email_addresses"] == [
        "Introduzca una dirección de correo electrónico válida."
    ]
    assert response["Content-Language"] == "es"
    assert Subscriber.objects.count() == 0

    unknown_language = post(
        client,
        signatures_path(world),
        {"person": person("ana@example.org", language="xx")},
        token,
    )
    assert unknown_language.status_code == 400
    assert "person.languages_spoken" in unknown_language.json()["errors"]

    for raw in (b"{not json", '{"person": "\xff"}'.encode("latin-1"), b"[]"):
        response = client.post(
            signatures_path(world),
            raw,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="raw",
            **auth(token),
        )
        assert response.status_code == 400, raw
    assert Signature.objects.count() == 0


def test_rsvps_follow_the_events_confirm_by_email_option(client, world):
    """An event that holds places only once the guest confirms by e-mail: an API
    attendance is pending too (the link goes to the person), holding no place."""
    from events.models import GuestMessage

    _key, token = make_key(world)
    event = world.event_a
    event.capacity, event.confirm_by_email = 1, True
    event.save_revision().publish()
    path = f"/api/v1/events/{event.pk}/attendances/"
    for n in range(3):
        body = {"person": person(f"made-up{n}@example.org")}
        assert post(client, path, body, token).status_code == 202
    assert set(Rsvp.objects.values_list("status", flat=True)) == {"pending"}
    assert set(GuestMessage.objects.values_list("kind", flat=True)) == {
        "confirm_request"
    }
    counts = client.get(f"/api/v1/events/{event.pk}/", **auth(token)).json()
    assert (counts["total_accepted"], counts["places_left"]) == (0, 1)
    # The partner sees its three attendances waiting, as counts only.
    assert (counts["total_pending"], counts["confirm_by_email"]) == (3, True)
    assert "made-up" not in str(counts)
    listed = client.get("/api/v1/events/", **auth(token)).json()
    (summary,) = [e for e in listed if e["id"] == event.pk]
    assert summary["total_pending"] == 3


def test_rsvps_obey_capacity_and_waitlist(client, world):
    _key, token = make_key(world)
    event = world.event_a
    event.capacity, event.waitlist = 1, True
    event.save_revision().publish()
    path = f"/api/v1/events/{event.pk}/attendances/"
    first = post(client, path, {"person": person("one@example.org")}, token)
    second = post(client, path, {"person": person("two@example.org")}, token)
    assert first.status_code == second.status_code == 202
    assert first.content == second.content  # nobody learns who was waitlisted
    assert sorted(Rsvp.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waitlisted",
    ]
    counts = client.get(f"/api/v1/events/{event.pk}/", **auth(token)).json()
    assert (counts["total_accepted"], counts["total_waitlisted"]) == (1, 1)
    assert counts["places_left"] == 0

    event.waitlist = False
    event.save_revision().publish()
    full = post(
        client,
        path,
        {"person": person("three@example.org")},
        token,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert full.status_code == 409
    assert full.json()["code"] == "full"
    assert full.json()["detail"] == "Lo sentimos, este evento está lleno."
    assert Rsvp.objects.count() == 2


def test_a_restricted_petition_or_event_is_missing_for_every_key(client, world):
    """A key acts for nobody who passed a view restriction: signing, RSVPing and
    reading a restricted petition or event answer 404 and store nothing."""
    _key, token = make_key(world)
    petition, event = world.petition_a, world.event_a
    restrictions = [
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        for page in (petition, event)
    ]
    body = {"person": person("ana@example.org")}
    attendances = f"/api/v1/events/{event.pk}/attendances/"
    assert post(client, signatures_path(world), body, token).status_code == 404
    assert post(client, attendances, body, token).status_code == 404
    for path in (f"/api/v1/petitions/{petition.pk}/", f"/api/v1/events/{event.pk}/"):
        assert client.get(path, **auth(token)).status_code == 404, path
    assert client.get("/api/v1/petitions/", **auth(token)).json() == []
    assert client.get("/api/v1/events/", **auth(token)).json() == []
    assert Signature.objects.count() == Rsvp.objects.count() == 0

    for restriction in restrictions:
        restriction.delete()
    assert post(client, signatures_path(world), body, token).status_code == 202
    assert post(client, attendances, body, token).status_code == 202
    assert Signature.objects.count() == Rsvp.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_retries_write_once(live_server, world):
    """Two copies of one POST at the same moment (a client that timed out and retried):
    one signature, both answered 202."""
    import requests

    _key, token = make_key(world)
    url = live_server.url + signatures_path(world)
    barrier = threading.Barrier(2)
    answers = []

    def send():
        barrier.wait(timeout=30)
        answers.append(
            requests.post(
                url,
                json={"person": person("ana@example.org")},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same"},
                timeout=60,
            )
        )

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answer.status_code for answer in answers) == [202, 202]
    assert Signature.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize(
    "field",
    ["given_name", "family_name", "address", "postal_code", "language", "statement"],
)
def test_a_nul_anywhere_in_a_body_is_a_400_in_the_partners_language(
    client, world, field, django_capture_on_commit_callbacks
):
    """PostgreSQL's text cannot hold a NUL: the consent statement reached the insert
    and answered 500. Every text a partner sends is checked before anything is
    written, on both databases."""
    _key, token = make_key(world)
    someone = person("ana@example.org", language="es")
    consent = {"statement": "Sí", "given_at": timezone.now().isoformat()}
    if field == "address":
        someone["email_addresses"] = [{"address": "an\x00a@example.org"}]
    elif field == "postal_code":
        someone["postal_addresses"] = [{"postal_code": "606\x0008"}]
    elif field == "language":
        someone["languages_spoken"] = ["e\x00s"]
    elif field == "statement":
        consent["statement"] = "S\x00í"
    else:
        someone[field] = "A\x00na"
    doors = [
        (signatures_path(world), {"person": someone}),
        ("/api/v1/people/", {"person": someone, "lists": [world.list_a.pk]}),
        (f"/api/v1/events/{world.event_a.pk}/attendances/", {"person": someone}),
    ]
    doors[1][1]["consent"] = consent
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            post(client, path, body, token, HTTP_ACCEPT_LANGUAGE="pl")
            for path, body in doors
            if field != "statement" or "consent" in body
        ]
    for answer in answers:
        assert answer.status_code == 400, answer.content
        assert "Znaki null są niedozwolone." in str(answer.json()["errors"].values())
    assert not Signature.objects.exists()
    assert not Subscriber.objects.exists()
    assert not Rsvp.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def consent_given_at(client, world, given_at: str, **headers):
    """Ana's signup through the API with this consent time."""
    _key, token = make_key(world)
    return post(
        client,
        "/api/v1/people/",
        {
            "person": person("ana@example.org"),
            "lists": [world.list_a.pk],
            "consent": {"statement": "yes", "given_at": given_at},
        },
        token,
        **headers,
    )


@pytest.mark.parametrize(
    "given_at",
    [
        "2026-01-01",
        "2026-12-05T10:00:00",
        "1970-01-01T00:00:00Z",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59Z",
    ],
)
def test_a_consent_time_without_offset_or_out_of_range_is_a_400(
    client, world, given_at
):
    response = consent_given_at(client, world, given_at, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["consent.given_at"]
    assert response["Content-Language"] == "es"
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize("offset", ["+23:59", "-16:00", "+14:01"])
def test_a_consent_time_with_no_time_zones_offset_is_a_400(client, world, offset):
    """Python reads offsets up to +/-23:59, PostgreSQL stores up to 15:59 and time
    zones run from -12:00 to +14:00: "+23:59" reached the insert and was a 500 on
    PostgreSQL (an offset no partner's clock has, stored as given on SQLite)."""
    response = consent_given_at(
        client, world, f"2026-01-01T00:00:00{offset}", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "consent.given_at": ["Ninguna zona horaria tiene este desfase respecto a UTC."]
    }
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize("offset", ["+14:00", "-12:00", "+05:45"])
def test_a_consent_time_in_any_time_zone_is_taken(client, world, offset):
    response = consent_given_at(client, world, f"2026-01-01T00:00:00{offset}")
    assert response.status_code == 202
    assert PartnerConsent.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("ES", "es"),
        ("es-MX", "es"),
        ("es_419", "es"),
        ("zh", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh-Hans-CN", "zh-hans"),
        ("AR-eg", "ar"),
    ],
)
def test_language_tags_in_any_case_and_with_a_region_are_understood(
    client, world, sent, stored
):
    _key, token = make_key(world)
    body = {"person": person("ana@example.org", language=sent)}
    response = post(
        client, "/api/v1/people/", {**body, "lists": [world.list_a.pk]}, token
    )
    assert response.status_code == 202
    assert Subscriber.objects.get().language == stored


@pytest.mark.parametrize("sent", ["zh-TW", "zh-Hant", "xx", "e"])
def test_a_language_we_do_not_write_is_refused(client, world, sent):
    _key, token = make_key(world)
    body = {"person": person("ana@example.org", language=sent)}
    response = post(
        client, "/api/v1/people/", {**body, "lists": [world.list_a.pk]}, token
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["person.languages_spoken"]
    assert Subscriber.objects.count() == 0


def test_a_request_without_a_key_is_refused_in_the_partners_language(client, world):
    response = client.get("/api/v1/lists/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 401
    assert response["Content-Language"] == "es"
    assert response.json()["code"] == "unauthorized"
    assert not response.json()["detail"].startswith("Send a valid API key")
