"""An event that holds a place only once the guest confirms by e-mail
(EventPage.confirm_by_email): the form stores a pending RSVP that holds no place, the
e-mailed link takes one (or the waitlist) exactly once, an expired link is a 410 in
the reader's language, made-up addresses cannot fill the event, and the answer after
the form is the same for every address. The option off: see test_rsvp.py."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from events.guest_mail import CONFIRM_REQUEST, build_guest_email, send_guest_messages
from events.models import EventPage, GuestMessage, Rsvp, confirmed_count
from events.services import (
    confirm_rsvp,
    purge_expired_pending_rsvps,
    record_rsvp,
)
from events.tokens import make_cancel_token, make_confirm_token
from subscribers import crypto
from tests.events.guests import PRIVATE_ADDRESS, guest_event, parse_email, sent_emails

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def confirming_event(**fields):
    """guest_event (English, Spanish, Arabic; hidden address) with the option on."""
    fields.setdefault("confirm_by_email", True)
    return guest_event(**fields)


def prefix(language: str) -> str:
    """English is the default language: its URLs have no prefix."""
    return "" if language == "en" else f"/{language}"


def form_post(client, event, email, name="Ana", language="en"):
    return client.post(
        f"{prefix(language)}/_events/{event.pk}/rsvp/",
        {"name": name, "email": email, "website": ""},
    )


def confirm_path(rsvp_id: int, language: str = "en") -> str:
    """The link of the guest's confirm-request e-mail, as a path."""
    guest = Rsvp.objects.select_related("event").get(pk=rsvp_id)
    guest.language = language
    email = parse_email(
        build_guest_email(rsvp=guest, kind=CONFIRM_REQUEST).message().as_bytes()
    )
    (link,) = [word for word in email.text.split() if "/rsvp/confirm/" in word]
    return link.removeprefix(BASE)


def press(client, path):
    """GET the page (as a person does), then POST its form with the CSRF token."""
    asked = client.get(path)
    assert asked.status_code == 200, asked.content.decode()
    return client.post(path, {"csrfmiddlewaretoken": asked.cookies["csrftoken"].value})


def test_the_form_stores_a_pending_rsvp_that_holds_no_place(home_page, sender_queued):
    event = confirming_event(capacity=2)
    client = Client(enforce_csrf_checks=False)
    response = form_post(client, event, "ana@example.org")

    assert response.status_code == 303
    guest = Rsvp.objects.get()
    assert guest.status == Rsvp.Status.PENDING
    assert confirmed_count(event.pk) == 0
    assert event.places_left() == 2
    places = client.get(f"/_events/{event.pk}/places/").content.decode()
    assert "2 places left" in places
    sent = client.get(response["Location"]).content.decode()
    assert "Check your e-mail to confirm your place" in sent

    send_guest_messages()
    (message,) = sent_emails()
    assert message.subject == f"Confirm your RSVP: {event.title}"
    assert "/rsvp/confirm/" in message.text
    assert "/rsvp/confirm/" in message.html
    assert PRIVATE_ADDRESS not in message.everything, "no place, no hidden address"
    assert message.calendars == [], "nothing for a calendar before the place is held"
    assert "/rsvp/cancel/" not in message.text


def test_confirming_takes_a_place_and_sends_the_confirmation(home_page, sender_queued):
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language="es"
    )
    send_guest_messages()
    (request,) = sent_emails()
    (link,) = [word for word in request.text.split() if "/rsvp/confirm/" in word]
    path = link.removeprefix(BASE)
    assert path.startswith("/es/"), "in the guest's language"
    client = Client(enforce_csrf_checks=True)

    assert client.head(path).status_code == 200
    asked = client.get(path)
    assert asked.status_code == 200
    assert "Confirmar mi plaza" in asked.content.decode()
    assert Rsvp.objects.get(pk=guest.pk).status == "pending", "a GET changes nothing"
    assert client.post(path).status_code == 403, "CSRF"

    done = press(client, path)
    assert done.status_code == 303
    assert Rsvp.objects.get(pk=guest.pk).status == "confirmed"
    assert event.places_left() == 1
    shown = client.get(path)
    assert shown.status_code == 200
    assert "Su plaza está confirmada" in shown.content.decode()

    send_guest_messages()
    confirmation = sent_emails()[-1]
    assert confirmation.to == "ana@example.org"
    assert PRIVATE_ADDRESS in confirmation.everything
    assert [method for method, _ in confirmation.calendars] == ["REQUEST"]


def test_confirming_when_full_goes_to_the_waitlist_and_says_so(
    home_page, sender_queued
):
    event = confirming_event(capacity=1, waitlist=True)
    ana = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="en"
    )
    luis = record_rsvp(
        event_id=event.pk, name="L", email="luis@example.org", language="ar"
    )
    assert confirm_rsvp(rsvp_id=luis.pk).status == "confirmed"

    client = Client()
    done = press(client, confirm_path(ana.pk))
    assert done.status_code == 303
    assert Rsvp.objects.get(pk=ana.pk).status == "waitlisted"
    assert "You are on the waitlist" in client.get(done["Location"]).content.decode()
    assert confirmed_count(event.pk) == 1


def test_confirming_a_full_event_without_a_waitlist_is_refused(
    home_page, sender_queued
):
    event = confirming_event(capacity=1, waitlist=False)
    ana = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="en"
    )
    luis = record_rsvp(
        event_id=event.pk, name="L", email="luis@example.org", language="en"
    )
    confirm_rsvp(rsvp_id=luis.pk)

    response = Client().get(confirm_path(ana.pk, "es"))
    assert response.status_code == 410
    assert "Lo sentimos, este evento está lleno." in response.content.decode()
    assert Rsvp.objects.get(pk=ana.pk).status == "pending"


def test_a_double_tap_confirms_once(home_page, sender_queued):
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="en"
    )
    path = confirm_path(guest.pk)
    client = Client()
    token = client.get(path).cookies["csrftoken"].value
    first = client.post(path, {"csrfmiddlewaretoken": token})
    second = client.post(path, {"csrfmiddlewaretoken": token})

    assert first.status_code == 303
    assert second.status_code == 200
    assert "Your place is confirmed" in second.content.decode()
    assert confirm_rsvp(rsvp_id=guest.pk).status == "confirmed"
    assert confirmed_count(event.pk) == 1
    owed = GuestMessage.objects.filter(rsvp=guest, kind="confirmation")
    assert owed.count() == 1, "one confirmation however often it is pressed"


def test_an_expired_link_is_410_in_the_readers_language(
    home_page, sender_queued, settings
):
    settings.EVENT_RSVP_CONFIRM_HOURS = 1
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="ar"
    )
    path = confirm_path(guest.pk, "ar")
    Rsvp.objects.filter(pk=guest.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    client = Client()
    asked = client.get(path)
    assert asked.status_code == 410
    body = asked.content.decode()
    assert 'dir="rtl"' in body
    assert "انتهت صلاحية هذا الرابط" in body
    token = client.get(f"/ar/_events/{event.pk}/rsvp/").cookies["csrftoken"].value
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 410
    assert Rsvp.objects.get(pk=guest.pk).status == "pending"
    assert event.places_left() == 2

    # Purged by the retention task: the signed link still says "expired", not 404.
    from cms.tasks import purge_expired_records_task

    purge_expired_records_task()
    assert not Rsvp.objects.filter(pk=guest.pk).exists()
    gone = client.get(path.replace("/ar/", "/es/"))
    assert gone.status_code == 410
    assert "Este enlace ha caducado" in gone.content.decode()


def test_the_link_expires_when_the_event_starts(home_page, sender_queued):
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="en"
    )
    path = confirm_path(guest.pk)
    EventPage.objects.filter(translation_key=event.translation_key).update(
        start=timezone.now() - timedelta(minutes=5)
    )
    from events.selectors import forget_public_events

    forget_public_events()
    assert Client().get(path).status_code == 410
    assert purge_expired_pending_rsvps() == 1


def test_bad_links_are_404_and_a_cancel_link_does_not_confirm(home_page, sender_queued):
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language="en"
    )
    base = f"{event.url}rsvp/confirm/"
    client = Client()
    for token in ("x", f"{guest.pk}-" + "a" * 24, make_cancel_token(guest.pk)):
        response = client.get(f"{base}{token}/")
        assert response.status_code == 404
        assert "This link is not valid." in response.content.decode()
    other = confirming_event(title="Another session", capacity=2)
    wrong_event = f"{other.url}rsvp/confirm/{make_confirm_token(guest.pk)}/"
    assert client.get(wrong_event).status_code == 404
    assert Rsvp.objects.get(pk=guest.pk).status == "pending"


def test_made_up_addresses_cannot_fill_the_event(home_page, sender_queued):
    event = confirming_event(capacity=3)
    client = Client()
    # The attacker-tester's script: 40 made-up addresses from one client.
    for n in range(40):
        assert form_post(client, event, f"nobody{n}@made-up.example").status_code == 303
    assert Rsvp.objects.filter(status="pending").count() == 40
    assert confirmed_count(event.pk) == 0
    assert event.places_left() == 3
    assert "3 places left" in client.get(f"/_events/{event.pk}/rsvp/").content.decode()

    # A real guest still gets a place: they can open the link.
    form_post(Client(), event, "real@example.org")
    real = Rsvp.objects.get(email_hash=crypto.lookup_hash("real@example.org"))
    assert press(Client(), confirm_path(real.pk)).status_code == 303
    assert Rsvp.objects.get(pk=real.pk).status == "confirmed"
    assert event.places_left() == 2


def test_the_answer_is_the_same_for_new_pending_and_confirmed_addresses(
    home_page, sender_queued
):
    event = confirming_event(capacity=2)
    confirmed = record_rsvp(
        event_id=event.pk, name="C", email="confirmed@example.org", language="en"
    )
    confirm_rsvp(rsvp_id=confirmed.pk)
    record_rsvp(event_id=event.pk, name="P", email="pending@example.org", language="en")
    client = Client()
    answers = [
        form_post(client, event, address, language="pl")
        for address in (
            "new@example.org",
            "pending@example.org",
            "confirmed@example.org",
        )
    ]
    assert {answer.status_code for answer in answers} == {303}
    assert len({answer["Location"] for answer in answers}) == 1
    page = client.get(answers[0]["Location"]).content.decode()
    assert "Sprawdź skrzynkę e-mail, aby potwierdzić swoje miejsce" in page
    assert Rsvp.objects.count() == 3
    # Each is told by their own e-mail: the pending one gets their link again, the
    # confirmed one their confirmation.
    again = GuestMessage.objects.filter(key__contains=":again:")
    assert sorted(again.values_list("kind", flat=True)) == [
        "confirm_request",
        "confirmation",
    ]


def test_the_option_is_shared_by_translations(home_page):
    from tests.events.guests import publish

    event = guest_event(capacity=2)
    spanish = EventPage.objects.get(
        translation_key=event.translation_key, locale__language_code="es"
    )
    assert spanish.confirm_by_email is False
    publish(event, confirm_by_email=True)
    spanish.refresh_from_db()
    assert spanish.confirm_by_email is True
    # An RSVP through the Spanish page follows it.
    record_rsvp(event_id=spanish.pk, name="A", email="ana@example.org", language="es")
    assert Rsvp.objects.get().status == "pending"


def test_purge_keeps_what_is_not_expired(home_page, sender_queued, settings):
    settings.EVENT_RSVP_CONFIRM_HOURS = 48
    event = confirming_event(capacity=2)
    old = record_rsvp(
        event_id=event.pk, name="O", email="old@example.org", language="en"
    )
    fresh = record_rsvp(
        event_id=event.pk, name="F", email="new@example.org", language="en"
    )
    kept = record_rsvp(
        event_id=event.pk, name="K", email="kept@example.org", language="en"
    )
    confirm_rsvp(rsvp_id=kept.pk)
    Rsvp.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    assert purge_expired_pending_rsvps() == 1
    assert set(Rsvp.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert purge_expired_pending_rsvps() == 0, "safe to run twice"


def test_staff_see_pending_apart_from_confirmed(admin_client, home_page, sender_queued):
    from events.selectors import guest_counts

    event = confirming_event(capacity=2)
    for n in range(3):
        record_rsvp(
            event_id=event.pk, name=f"G{n}", email=f"g{n}@example.org", language="en"
        )
    confirm_rsvp(rsvp_id=Rsvp.objects.order_by("pk").first().pk)
    counts = guest_counts(event)
    assert (counts["confirmed"], counts["pending"]) == (1, 2)

    page = admin_client.get(f"/admin/check-in/{event.pk}/").content.decode()
    assert "2 not confirmed by e-mail yet (no place held)" in page
    assert "g1@example.org" not in page
    csv_text = admin_client.get(
        f"/admin/check-in/attendance.csv?event={event.pk}"
    ).content.decode()
    header, row = csv_text.strip().splitlines()
    assert header.endswith("Not confirmed by e-mail")
    assert row.endswith(",2")
    listing = admin_client.get("/admin/rsvps/?status=pending").content.decode()
    assert "waiting for e-mail confirmation" in listing


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_taps_at_once_confirm_once_and_never_past_capacity(home_page, monkeypatch):
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)
    event = confirming_event(capacity=3, waitlist=True)
    guests = [
        record_rsvp(
            event_id=event.pk, name=f"G{n}", email=f"g{n}@example.org", language="en"
        ).pk
        for n in range(8)
    ]
    # Everyone taps twice, all at once.
    taps = guests + guests
    barrier = threading.Barrier(len(taps))
    errors = []

    def tap(rsvp_id):
        try:
            barrier.wait(timeout=30)
            confirm_rsvp(rsvp_id=rsvp_id)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(pk,)) for pk in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    statuses = list(Rsvp.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waitlisted") == 5
    assert confirmed_count(event.pk) == 3
    owed = GuestMessage.objects.filter(kind="confirmation")
    assert owed.count() == 8, "one confirmation each"


@pytest.mark.postgres
def test_with_the_option_off_a_crowds_rsvp_costs_what_it_did(
    home_page, sender_queued, monkeypatch
):
    """The rally storm path: an RSVP at the plain URL, the event from the process's
    copy, is one events_claim_rsvp call on the prepared cursor and not one query
    through the ORM (none reads the event again to learn the option: it is on the
    copy)."""
    from django.test.utils import CaptureQueriesContext

    from events import services

    claims = []
    real_claim = services._claim_in_postgres
    monkeypatch.setattr(
        services,
        "_claim_in_postgres",
        lambda **rsvp: claims.append(1) or real_claim(**rsvp),
    )
    event = guest_event(capacity=50)
    client = Client()
    assert client.get(f"/_events/{event.pk}/places/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert form_post(client, event, "ana@example.org").status_code == 303
    # (Others listen to the confirmed RSVP, the partner webhooks among them: their
    # queries are theirs, and come after the claim.)
    events_tables = [query["sql"] for query in queries if '"events_' in query["sql"]]
    assert events_tables == []
    assert claims == [1]
    assert Rsvp.objects.get().status == "confirmed"
