"""The "I can't come any more" link: GET asks, POST frees the place; a bad link is a
translated 404, a started event a 410, never a 500; the page shows no personal data."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from events.guest_mail import CONFIRMATION, build_guest_email, send_guest_messages
from events.models import EventPage, GuestMessage, Rsvp
from events.rsvps import cancel_rsvp
from events.tokens import InvalidToken, make_cancel_token, read_cancel_token
from tests.events.guests import (
    PRIVATE_ADDRESS,
    guest_event,
    parse_email,
    publish,
    rsvp,
    sent_emails,
)
from tests.factories import translate_page

pytestmark = pytest.mark.django_db


def cancel_url(event, guest) -> str:
    return f"{event.url}rsvp/cancel/{make_cancel_token(guest.pk)}/"


def test_tokens_are_signed_and_strict():
    token = make_cancel_token(42)
    assert read_cancel_token(token) == 42
    signature = token.split("-", 1)[1]
    for bad in (
        "",
        "42",
        f"43-{signature}",
        token + "x",
        "٤٢-" + "a" * 24,
        f"042-{signature}",  # the same id, not written as we write it
    ):
        with pytest.raises(InvalidToken):
            read_cancel_token(bad)


def test_the_link_in_the_confirmation_asks_then_cancels_and_promotes(
    home_page, sender_queued
):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    luis = rsvp(event, "Luis", "luis@example.org", "es")
    email = parse_email(
        build_guest_email(rsvp=ana, kind=CONFIRMATION).message().as_bytes()
    )
    (link,) = [word for word in email.text.split() if "/rsvp/cancel/" in word]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/es/"), "in the guest's language"
    client = Client(enforce_csrf_checks=True)

    # Mail scanners and link checkers ask with HEAD.
    assert client.head(path).status_code == 200
    assert client.head(f"/es/_events/{event.pk}/rsvp/").status_code == 200
    asked = client.get(path)
    assert asked.status_code == 200
    body = asked.content.decode()
    assert "Ya no puedo asistir" in body
    assert "Ana" not in body
    assert "ana@example.org" not in body
    assert PRIVATE_ADDRESS not in body
    assert asked["Referrer-Policy"] == "same-origin"
    assert Rsvp.objects.get(pk=ana.pk).status == "confirmed", "a GET changes nothing"
    assert client.post(path).status_code == 403, "CSRF"

    token = asked.cookies["csrftoken"].value
    done = client.post(path, {"csrfmiddlewaretoken": token})
    assert done.status_code == 303
    again = client.get(path)
    assert "Su confirmación de asistencia está cancelada" in again.content.decode()
    assert Rsvp.objects.get(pk=ana.pk).status == "cancelled"
    assert Rsvp.objects.get(pk=luis.pk).status == "confirmed"
    assert set(GuestMessage.objects.values_list("rsvp__pk", "kind")) == {
        (ana.pk, "confirmation"),
        (luis.pk, "confirmation"),  # "you are on the waitlist"
        (ana.pk, "rsvp_cancelled"),
        (luis.pk, "promoted"),
    }
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 200


def test_bad_links_are_a_translated_404_and_a_started_event_a_410(
    home_page, sender_queued
):
    event = guest_event()
    other = guest_event(title="Lobby day")
    ana = rsvp(event, "Ana", "ana@example.org")
    client = Client()
    spanish = event.get_translations().get(locale__language_code="es").specific

    bad = client.get(f"{spanish.url}rsvp/cancel/not-a-token/")
    assert bad.status_code == 404
    assert "Este enlace no es válido." in bad.content.decode()
    assert client.get(cancel_url(other, ana)).status_code == 404, "another event"
    assert client.post(f"{event.url}rsvp/cancel/1-{'A' * 24}/").status_code == 404

    EventPage.objects.filter(translation_key=event.translation_key).update(
        start=timezone.now() - timedelta(minutes=1)
    )
    started = client.post(cancel_url(event, ana))
    assert started.status_code == 410
    assert "already started" in started.content.decode()
    assert Rsvp.objects.get(pk=ana.pk).status == "confirmed"


def test_the_waitlist_link_says_leave_the_waitlist(home_page, sender_queued):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    bo = rsvp(event, "Bo", "bo@example.org")
    page = Client().get(cancel_url(event, bo)).content.decode()
    assert "Take me off the waitlist" in page
    email = build_guest_email(rsvp=bo, kind=CONFIRMATION)
    assert "Take me off the waitlist" in email.body
    assert PRIVATE_ADDRESS not in email.body


def test_leaving_the_waitlist_is_not_told_as_giving_up_a_place(
    home_page, run_on_commit
):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    bo = rsvp(event, "Bo", "bo@example.org")
    mail.outbox.clear()
    client = Client()
    with run_on_commit():
        assert client.post(cancel_url(event, bo)).status_code == 303
    send_guest_messages()

    page = client.get(cancel_url(event, bo)).content.decode()
    assert "<h1>You have left the waitlist</h1>" in page
    assert '<p role="status">Thank you for telling us.</p>' in page
    assert "your place goes" not in page
    (email,) = sent_emails()
    assert email.subject == "You have left the waitlist: Know Your Rights session"
    assert email.text.startswith("Hello, you have left the waitlist.")
    for part in (email.text, email.html):
        assert "your place goes" not in part
        assert "Cancelled" not in part, "the event still takes place"
    assert Rsvp.objects.get(pk=bo.pk).status == "cancelled"
    assert Rsvp.objects.get(pk=bo.pk).left_waitlist


def test_a_cancelled_rsvp_is_not_tagged_as_a_cancelled_event(home_page, run_on_commit):
    event = guest_event()
    translate_page(event, "pl", title="Spotkanie „Poznaj swoje prawa”")
    ana = rsvp(event, "Ana", "ana@example.org", "pl")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)
    ana.refresh_from_db()
    assert not ana.left_waitlist, "they gave up a place"
    cancelled = parse_email(
        build_guest_email(rsvp=ana, kind=GuestMessage.Kind.RSVP_CANCELLED)
        .message()
        .as_bytes()
    )
    assert cancelled.subject == (
        "Twój zapis został anulowany: Spotkanie „Poznaj swoje prawa”"
    )
    assert "Spotkanie „Poznaj swoje prawa”\n" in cancelled.text.replace("\r", "")
    assert "[Odwołane]" not in cancelled.text
    assert "Odwołane" not in cancelled.html

    publish(event, cancelled=True)
    called_off = parse_email(
        build_guest_email(rsvp=ana, kind=GuestMessage.Kind.CANCELLATION)
        .message()
        .as_bytes()
    )
    assert "Spotkanie „Poznaj swoje prawa” [Odwołane]" in called_off.text


def test_without_a_waitlist_nobody_is_promised_a_place_goes_to_it(
    home_page, run_on_commit
):
    """An event without a capacity (or without a waitlist) has no next person: the
    page and the e-mail only say the RSVP is cancelled. The waitlisted see "Leave the
    waitlist" as the page's heading."""
    event = guest_event(capacity=None)
    ana = rsvp(event, "Ana", "ana@example.org")
    client = Client()
    asking = client.get(cancel_url(event, ana)).content.decode()
    assert "Press the button to cancel your RSVP." in asking
    assert "next person on the waitlist" not in asking
    with run_on_commit():
        assert client.post(cancel_url(event, ana)).status_code == 303
    ana.refresh_from_db()
    email = build_guest_email(rsvp=ana, kind=GuestMessage.Kind.RSVP_CANCELLED)
    assert email.body.startswith(
        "Hello, your RSVP is cancelled. Thank you for telling us."
    )
    assert "waitlist" not in email.body
    done = client.get(cancel_url(event, ana)).content.decode()
    assert "<h1>Your RSVP is cancelled</h1>" in done
    assert '<p role="status">Thank you for telling us.</p>' in done
    assert "next person on the waitlist" not in done

    roomy = guest_event(title="Training", capacity=40)
    dee = rsvp(roomy, "Dee", "dee@example.org")
    nobody_waits = client.get(cancel_url(roomy, dee)).content.decode()
    assert "Press the button to cancel your RSVP." in nobody_waits, "a waitlist, empty"

    full = guest_event(title="Lobby day", capacity=1)
    bo = rsvp(full, "Bo", "bo@example.org")
    waiting = rsvp(full, "Cy", "cy@example.org")
    assert (
        "<h1>Leave the waitlist</h1>"
        in client.get(cancel_url(full, waiting)).content.decode()
    )
    someone_waits = client.get(cancel_url(full, bo)).content.decode()
    assert "your place goes to the next person on the waitlist" in someone_waits


def test_after_staff_cancel_the_event_the_link_says_so_and_offers_nothing(
    home_page, sender_queued
):
    """A guest who missed the cancellation e-mail opens the link in their
    confirmation: they learn the event is off, in their language, and are not asked
    to hand their place (or their waitlist spot) on."""
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    bo = rsvp(event, "Bo", "bo@example.org", "ar")
    publish(event, cancelled=True)
    owed = GuestMessage.objects.count()
    client = Client()
    for guest, prefix, said in (
        (ana, "/es/", "Este evento ha sido cancelado."),
        (bo, "/ar/", "أُلغيت هذه الفعالية."),
    ):
        translation = event.get_translations(inclusive=True).get(
            locale__language_code=prefix.strip("/")
        )
        path = f"{translation.url}rsvp/cancel/{make_cancel_token(guest.pk)}/"
        asked = client.get(path)
        assert asked.status_code == 410
        body = asked.content.decode()
        assert said in body
        assert '<form method="post">' not in body
        assert "lista de espera" not in body, "no place goes to anybody"
        assert client.post(path).status_code == 410
    assert Rsvp.objects.get(pk=ana.pk).status == "confirmed"
    assert Rsvp.objects.get(pk=bo.pk).status == "waitlisted"
    assert GuestMessage.objects.count() == owed, "nothing more to tell"

    publish(event, cancelled=False)
    back = client.get(cancel_url(event, ana))
    assert back.status_code == 200, "back on: the link works again"
    assert '<form method="post">' in back.content.decode()


def test_the_done_page_promises_the_waitlist_a_place_only_when_it_got_one(
    home_page, run_on_commit
):
    """After cancelling, a guest read "your place goes to the next person on the
    waitlist" whenever the event kept a waitlist, though nobody was waiting. The page
    (reached only through the guest's own signed link) and their e-mail now say so
    only when a waiting guest was given a place."""
    client = Client()
    roomy = guest_event(title="Training", capacity=2)
    ana = rsvp(roomy, "Ana", "ana@example.org")
    with run_on_commit():
        assert client.post(cancel_url(roomy, ana)).status_code == 303
    done = client.get(cancel_url(roomy, ana)).content.decode()
    assert "<h1>Your RSVP is cancelled</h1>" in done
    assert '<p role="status">Thank you for telling us.</p>' in done
    assert "next person on the waitlist" not in done
    ana.refresh_from_db()
    email = build_guest_email(rsvp=ana, kind=GuestMessage.Kind.RSVP_CANCELLED)
    assert "waitlist" not in email.body

    full = guest_event(title="Lobby day", capacity=1)
    bo = rsvp(full, "Bo", "bo@example.org")
    cy = rsvp(full, "Cy", "cy@example.org")
    with run_on_commit():
        assert client.post(cancel_url(full, bo)).status_code == 303
    cy.refresh_from_db()
    assert cy.status == Rsvp.Status.CONFIRMED
    done = client.get(cancel_url(full, bo)).content.decode()
    assert "your place goes to the next person on the waitlist" in done
    bo.refresh_from_db()
    email = build_guest_email(rsvp=bo, kind=GuestMessage.Kind.RSVP_CANCELLED)
    assert "next person on the waitlist" in " ".join(email.body.split())


def test_a_waitlisted_guests_page_is_headed_leave_the_waitlist_whatever_it_says(
    home_page,
):
    """A waitlisted guest who opened their link after staff called the event off (or
    after it started) read "Cancel my RSVP" above the answer: they hold no RSVP to
    cancel, only a place in the queue."""
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    waiting = rsvp(event, "Cy", "cy@example.org")
    assert waiting.status == Rsvp.Status.WAITLISTED
    publish(event, cancelled=True)
    page = Client().get(cancel_url(event, waiting))
    html = page.content.decode()
    assert page.status_code == 410
    assert "<h1>Leave the waitlist</h1>" in html
    assert "Cancel my RSVP" not in html


def test_a_forwarded_link_does_not_tell_an_erased_guest_from_a_cancelled_one(
    home_page, run_on_commit
):
    """Event confirmations get forwarded ("here is the rally, I'm going"). A guest who
    cancelled answered their link with "Your RSVP is cancelled", one who had erased
    their data (or whose RSVP staff deleted) with a 404 "This link is not valid.":
    whoever holds the forward learnt that the guest had asked to be forgotten. A
    genuine link whose RSVP is gone now answers as a cancelled one, GET and POST."""
    from subscribers.services import erase_address

    client = Client()
    event = guest_event(title="Training", capacity=20)
    ana = rsvp(event, "Ana", "ana@example.org")
    bo = rsvp(event, "Bo", "bo@example.org")
    with run_on_commit():
        assert client.post(cancel_url(event, ana)).status_code == 303
    erase_address(email_hash=bo.email_hash)
    assert not Rsvp.objects.filter(pk=bo.pk).exists()

    def page(answer, guest) -> str:
        # The language switcher's links carry the link's own token.
        return answer.content.decode().replace(make_cancel_token(guest.pk), "TOKEN")

    for method in (client.get, client.post):
        cancelled = method(cancel_url(event, ana))
        erased = method(cancel_url(event, bo))
        assert erased.status_code == cancelled.status_code == 200
        assert page(erased, bo) == page(cancelled, ana)
        assert "<h1>Your RSVP is cancelled</h1>" in page(erased, bo)
    # A link made for another event's RSVP still is not this event's.
    other = guest_event(title="Lobby day")
    cy = rsvp(other, "Cy", "cy@example.org")
    assert client.get(cancel_url(event, cy)).status_code == 404
