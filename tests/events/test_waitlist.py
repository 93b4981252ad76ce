"""The waitlist: a freed place goes to the first waitlisted guest, who is told once
(with the address); capacity growth fills places; under concurrency on PostgreSQL
confirmed never exceeds capacity."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from events.guest_mail import send_guest_messages
from events.models import EventPage, GuestMessage, Rsvp
from events.rsvps import cancel_rsvp, fill_free_places
from tests.events.guests import PRIVATE_ADDRESS, guest_event, publish, rsvp, sent_emails

pytestmark = pytest.mark.django_db


def statuses(event) -> dict[str, str]:
    return {r.email.split("@")[0]: r.status for r in Rsvp.objects.filter(event=event)}


def test_a_cancellation_confirms_the_first_waitlisted_guest_and_tells_both(
    home_page, run_on_commit
):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Luis", "luis@example.org", "es")
    rsvp(event, "Omar", "omar@example.org", "ar")
    mail.outbox.clear()

    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)
        cancel_rsvp(rsvp_id=ana.pk)  # twice: nothing more happens
    send_guest_messages()

    assert statuses(event) == {
        "ana": "cancelled",
        "luis": "confirmed",
        "omar": "waitlisted",
    }
    received = {e.to: e for e in sent_emails()}
    assert sorted(received) == ["ana@example.org", "luis@example.org"]
    luis, ana_mail = received["luis@example.org"], received["ana@example.org"]
    assert luis.subject == "Su asistencia está confirmada: Sesión Conozca sus derechos"
    assert PRIVATE_ADDRESS in luis.everything, "confirmed now: the address"
    ((method, raw),) = luis.calendars
    assert method == "REQUEST"
    assert "PARTSTAT=ACCEPTED" in raw.decode()
    assert ana_mail.calendars[0][0] == "CANCEL"
    assert PRIVATE_ADDRESS not in ana_mail.everything


def test_cancelling_a_waitlisted_guest_promotes_nobody(home_page, run_on_commit):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org", "en")
    luis = rsvp(event, "Luis", "luis@example.org", "es")
    rsvp(event, "Omar", "omar@example.org", "ar")
    with run_on_commit():
        cancel_rsvp(rsvp_id=luis.pk)
    assert statuses(event) == {
        "ana": "confirmed",
        "luis": "cancelled",
        "omar": "waitlisted",
    }
    assert not GuestMessage.objects.filter(kind="promoted").exists()


def test_more_capacity_confirms_the_waitlist_in_order(home_page, run_on_commit):
    event = guest_event(capacity=1)
    for name in ("ana", "bo", "cy", "di"):
        rsvp(event, name.title(), f"{name}@example.org")
    with run_on_commit():
        publish(event, capacity=3)
    assert statuses(event) == {
        "ana": "confirmed",
        "bo": "confirmed",
        "cy": "confirmed",
        "di": "waitlisted",
    }
    with run_on_commit():
        publish(event, capacity=None)
    assert set(statuses(event).values()) == {"confirmed"}
    assert GuestMessage.objects.filter(kind="promoted").count() == 3


def test_a_new_rsvp_queues_behind_people_already_waiting(home_page):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    bo = rsvp(event, "Bo", "bo@example.org")
    EventPage.objects.filter(pk=event.pk).update(capacity=2)  # not yet filled
    late = rsvp(event, "Cy", "cy@example.org")
    assert late.status == "waitlisted"
    assert fill_free_places(event_id=event.pk) == [bo.pk]


def test_cancelling_then_coming_back_goes_to_the_back(home_page, run_on_commit):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org")
    rsvp(event, "Bo", "bo@example.org")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)
    again = rsvp(event, "Ana", "ANA@example.org")
    assert again.pk == ana.pk
    assert again.status == "waitlisted"
    assert statuses(event) == {"ana": "waitlisted", "bo": "confirmed"}


def test_no_change_once_the_event_started_or_when_cancelled(home_page, run_on_commit):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org")
    rsvp(event, "Bo", "bo@example.org")
    EventPage.objects.filter(pk=event.pk).update(
        start=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(ValidationError) as error:
        cancel_rsvp(rsvp_id=ana.pk)
    assert error.value.code == "started"
    assert statuses(event) == {"ana": "confirmed", "bo": "waitlisted"}, (
        "nothing written"
    )

    other = guest_event(title="Lobby day", capacity=1)
    first = rsvp(other, "Ana", "ana@example.org")
    rsvp(other, "Bo", "bo@example.org")
    EventPage.objects.filter(pk=other.pk).update(cancelled=True)
    with run_on_commit():
        cancel_rsvp(rsvp_id=first.pk)
    assert statuses(other) == {"ana": "cancelled", "bo": "waitlisted"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_cancellations_and_promotions_keep_confirmed_at_capacity(
    home_page, sender_queued
):
    event = guest_event(capacity=20)
    confirmed = [rsvp(event, f"C{n}", f"c{n}@example.org").pk for n in range(20)]
    waiting = [rsvp(event, f"W{n}", f"w{n}@example.org").pk for n in range(40)]
    assert Rsvp.objects.filter(status="waitlisted").count() == 40
    # The event grew by five places; the promotions run alongside the cancellations.
    EventPage.objects.filter(pk=event.pk).update(capacity=25)
    work = [lambda pk=pk: cancel_rsvp(rsvp_id=pk) for pk in confirmed]
    work += [lambda pk=pk: cancel_rsvp(rsvp_id=pk) for pk in waiting[30:]]
    work += [lambda: fill_free_places(event_id=event.pk)] * 20
    assert len(work) == 50
    barrier = threading.Barrier(len(work))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    rows = Rsvp.objects.filter(event=event)
    assert rows.filter(status="confirmed").count() == 25, "confirmed = capacity"
    promoted = set(rows.filter(status="confirmed").values_list("pk", flat=True))
    assert promoted == set(waiting[:25]), "first come, first served"
    told = Counter(
        GuestMessage.objects.filter(kind="promoted").values_list("rsvp_id", flat=True)
    )
    assert set(told) == promoted
    assert set(told.values()) == {1}

    mail.outbox.clear()
    senders = [
        threading.Thread(target=lambda: (send_guest_messages(), connection.close()))
        for _ in range(4)
    ]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=120)
    confirmed_mail = Counter(
        e.to for e in sent_emails() if e.subject.startswith("Your RSVP is confirmed")
    )
    assert len(confirmed_mail) == 25
    assert set(confirmed_mail.values()) == {1}
    assert not GuestMessage.objects.exclude(status="sent").exists()


def test_an_erased_guest_s_place_goes_to_the_first_waitlisted_guest(
    home_page, run_on_commit
):
    """Erasing oneself frees one's place like a cancellation: the first on the
    waitlist is confirmed and told (in their language); the erased guest is not."""
    from subscribers.services import erase_subscriber
    from tests.factories import make_subscriber

    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Luis", "luis@example.org", "es")
    rsvp(event, "Omar", "omar@example.org", "ar")
    ana = make_subscriber("ana@example.org")
    mail.outbox.clear()

    with run_on_commit():
        assert erase_subscriber(subscriber_id=ana.pk)
    send_guest_messages()

    assert statuses(event) == {"luis": "confirmed", "omar": "waitlisted"}
    (told,) = sent_emails()
    assert told.to == "luis@example.org"
    assert told.subject == "Su asistencia está confirmada: Sesión Conozca sus derechos"
    assert PRIVATE_ADDRESS in told.everything


def test_an_erased_guest_s_place_shows_as_free_on_the_next_request(
    home_page, run_on_commit, settings
):
    from django.test import Client

    from subscribers.services import erase_subscriber
    from tests.cms.test_page_cache import use_page_cache
    from tests.factories import make_subscriber

    use_page_cache(settings, "locmem")
    event = guest_event(capacity=2, waitlist=False)
    rsvp(event, "Ana", "ana@example.org")
    rsvp(event, "Bo", "bo@example.org")
    places = f"/_events/{event.pk}/places/"
    reader = Client()
    assert "This event is full." in reader.get(places).content.decode()
    assert reader.get(places)["X-Page-Cache"] == "hit"

    with run_on_commit():
        erase_subscriber(subscriber_id=make_subscriber("ana@example.org").pk)

    assert "1 place left" in reader.get(places).content.decode()


def test_the_waitlist_email_says_waitlist_once_and_an_update_reminds_them(home_page):
    from events.guest_mail import CONFIRMATION, build_guest_email

    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    bo = rsvp(event, "Bo", "bo@example.org")
    waiting = build_guest_email(rsvp=bo, kind=CONFIRMATION)
    ((html, _type),) = waiting.alternatives
    for part in (waiting.body, html.split("<body", 1)[1]):
        assert part.count("on the waitlist") == 1, part
    update = build_guest_email(rsvp=bo, kind=GuestMessage.Kind.UPDATE)
    assert "You are on the waitlist: we will write" in update.body


def test_an_administrator_deleting_a_confirmed_rsvp_gives_the_place_on(
    client, home_page, run_on_commit, settings
):
    """Deleting an RSVP in the admin (an erasure request) frees the place as the
    guest's own cancellation does: the first waitlisted guest is confirmed and told,
    the deleted guest is not, and the places shown are the new ones."""
    from django.test import Client
    from django.urls import reverse

    from tests.cms.test_page_cache import use_page_cache
    from tests.factories import SuperuserFactory

    use_page_cache(settings, "locmem")
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org", "en")
    luis = rsvp(event, "Luis", "luis@example.org", "es")
    places = f"/_events/{event.pk}/places/"
    reader = Client()
    assert "This event is full." in reader.get(places).content.decode()
    assert reader.get(places)["X-Page-Cache"] == "hit"
    client.force_login(SuperuserFactory())
    mail.outbox.clear()

    with run_on_commit():
        deleted = client.post(reverse("rsvps:delete", args=[ana.pk]))
    send_guest_messages()

    assert deleted.status_code == 302
    assert statuses(event) == {"luis": "confirmed"}
    assert GuestMessage.objects.filter(rsvp=luis, kind="promoted").exists()
    (told,) = sent_emails()
    assert told.to == "luis@example.org"
    assert told.subject == "Su asistencia está confirmada: Sesión Conozca sus derechos"
    assert PRIVATE_ADDRESS in told.everything
    full = reader.get(places)
    assert full["X-Page-Cache"] != "hit", "purged"
    assert "This event is full." in full.content.decode(), "Luis holds the place"

    with run_on_commit():
        client.post(reverse("rsvps:delete", args=[luis.pk]))
    assert "1 place left" in reader.get(places).content.decode()
