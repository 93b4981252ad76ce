"""The public RSVP: capacity, waitlist, closed and cancelled events, abuse defences."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from cms import ratelimit
from events.models import EventPage, GuestMessage, Rsvp
from events.services import record_rsvp, send_rsvp_confirmation
from subscribers import crypto
from subscribers.models import Subscription
from tests.factories import MailingListFactory, build_event, translate_page
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def rsvp_event(**fields):
    fields.setdefault("rsvp_mode", "internal")
    return build_event(title=fields.pop("title", "Know Your Rights session"), **fields)


def post(client, event, **data):
    payload = {"name": "Ana", "email": "ana@example.org", "website": ""}
    payload.update(data)
    return client.post(event.url + "rsvp/", payload)


def test_rsvp_confirms_and_emails_the_hidden_address(
    client, home_page, django_capture_on_commit_callbacks
):
    event = rsvp_event(
        venue="Parish hall", address="12 Quiet St", hide_address=True, capacity=10
    )

    page = client.get(event.url).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, event)
    for callback in callbacks:
        if getattr(callback, "__name__", "") == "purge_places_after_commit":
            callback()
    rsvp = Rsvp.objects.get()
    send_rsvp_confirmation(rsvp_id=rsvp.pk)

    assert "12 Quiet St" not in page
    assert "The address is sent to people who RSVP." in page
    assert response.status_code == 303
    assert response["Location"].endswith("rsvp/?sent=1")
    assert rsvp.status == Rsvp.Status.CONFIRMED
    assert rsvp.email == "ana@example.org"
    assert len(callbacks) == 2, "places purge and confirmation task, on commit"
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "12 Quiet St" in message.body
    assert "Your RSVP is confirmed" in message.subject
    (invite,) = message.attachments
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert "12 Quiet St" in invite.get_payload(decode=True).decode()
    assert "12 Quiet St" not in client.get(event.url + "ical/").content.decode()


def test_names_and_addresses_are_encrypted_at_rest(home_page):
    event = rsvp_event()
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="en")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email FROM events_rsvp")
        name, email = cursor.fetchone()
    assert b"ana@example.org" not in bytes(email)
    assert b"Ana" not in bytes(name)


def test_past_capacity_goes_to_the_waitlist_or_is_refused(home_page):
    waitlisted = rsvp_event(title="Summit", capacity=1, waitlist=True)
    refused = rsvp_event(title="Lobby day", capacity=1, waitlist=False)

    record_rsvp(event_id=waitlisted.pk, name="A", email="a@example.org", language="en")
    second = record_rsvp(
        event_id=waitlisted.pk, name="B", email="b@example.org", language="en"
    )
    record_rsvp(event_id=refused.pk, name="A", email="a@example.org", language="en")
    with pytest.raises(ValidationError) as error:
        record_rsvp(event_id=refused.pk, name="B", email="b@example.org", language="en")

    assert second.status == Rsvp.Status.WAITLISTED
    assert error.value.code == "full"
    assert Rsvp.objects.filter(event=refused).count() == 1, "nothing written"


def test_full_event_error_in_the_visitors_language_not_a_500(client, home_page):
    event = rsvp_event(capacity=1, waitlist=False)
    spanish = translate_page(event, "es", title="Sesión Conozca sus derechos")
    record_rsvp(event_id=event.pk, name="A", email="a@example.org", language="en")

    response = post(client, spanish, email="b@example.org")

    assert response.status_code == 200
    assert "Lo sentimos, este evento está lleno." in response.content.decode()
    assert Rsvp.objects.count() == 1


def test_translations_share_one_capacity(home_page):
    event = rsvp_event(capacity=1, waitlist=False)
    polish = translate_page(event, "pl", title="Sesja")
    record_rsvp(event_id=polish.pk, name="A", email="a@example.org", language="pl")
    with pytest.raises(ValidationError):
        record_rsvp(event_id=event.pk, name="B", email="b@example.org", language="en")
    assert Rsvp.objects.get().event_id == event.pk


def test_after_the_event_started_or_cancelled_is_a_validation_error(client, home_page):
    past = rsvp_event(
        title="Past rally",
        start=timezone.now() - timedelta(days=1),
        end=timezone.now() - timedelta(hours=20),
    )
    cancelled = rsvp_event(title="Cancelled rally", cancelled=True)

    past_response = post(client, past)
    cancelled_response = post(client, cancelled)

    assert past_response.status_code == 410
    assert "RSVPs are closed." in past_response.content.decode()
    assert cancelled_response.status_code == 410
    assert "This event has been cancelled." in cancelled_response.content.decode()
    for response in (past_response, cancelled_response):
        assert 'name="email"' not in response.content.decode(), "no form to send again"
    assert not Rsvp.objects.exists()


def test_the_form_of_a_cancelled_or_past_event_says_so_instead(client, home_page):
    """The tester's case: the alert e-mail's "Voy a ir" opened a blank form for an
    event cancelled for safety; it says what the event page says, in the reader's
    language, with no form and the way back to the event in that language."""
    cancelled = rsvp_event(title="Vigil before the hearing", cancelled=True)
    translate_page(cancelled, "es", title="Vigilia antes de la audiencia")
    past = rsvp_event(
        title="Yesterday's training",
        start=timezone.now() - timedelta(days=1),
        end=timezone.now() - timedelta(hours=20),
    )
    spanish = cancelled.get_translation(Locale.objects.get(language_code="es"))

    answers = {
        "cancelled": client.get(f"/es/events/{cancelled.slug}/rsvp/"),
        "cancelled, plain URL": client.get(f"/es/_events/{cancelled.pk}/rsvp/"),
        "past": client.get(past.url + "rsvp/"),
        "past, in Spanish": client.get(f"/es/events/{past.slug}/rsvp/"),
    }

    for answer in answers.values():
        assert answer.status_code == 200
        assert 'name="email"' not in answer.content.decode()
    for case in ("cancelled", "cancelled, plain URL"):
        page = answers[case].content.decode()
        assert "Este evento ha sido cancelado." in page
        assert f'<a href="{spanish.url}">Volver al evento</a>' in page, case
    assert "RSVPs are closed." in answers["past"].content.decode()
    assert f'<a href="{past.url}">' in answers["past"].content.decode()
    page = answers["past, in Spanish"].content.decode()
    assert "Las confirmaciones están cerradas." in page
    assert f'<a href="/es/events/{past.slug}/">Volver al evento</a>' in page


def test_back_to_the_event_keeps_the_readers_language(client, home_page):
    """The tester's case: a full event read under /es/ (not translated: the English
    page with Spanish navigation) led back to /events/...; and so did the cancel
    page a Spanish guest's e-mail links to."""
    from events.tokens import make_cancel_token

    event = rsvp_event(title="DST spring rally", capacity=1, waitlist=False)
    guest = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language="es"
    )
    back = f'<a href="/es/events/{event.slug}/">Volver al evento</a>'

    full = client.get(f"/es/events/{event.slug}/rsvp/").content.decode()
    cancel = client.get(
        f"/es/events/{event.slug}/rsvp/cancel/{make_cancel_token(guest.pk)}/"
    ).content.decode()

    assert "Lo sentimos, este evento está lleno." in full
    assert back in full
    assert "Ya no puedo asistir" in cancel
    assert back in cancel


def test_same_answer_for_a_known_address_and_no_duplicate(client, home_page):
    event = rsvp_event()
    first = post(client, event, email="Ana@Example.org")
    second = post(client, event, email="ana@example.org")
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Rsvp.objects.count() == 1


def test_honeypot_pretends_success_and_writes_nothing(client, home_page):
    event = rsvp_event()
    response = post(client, event, website="http://spam.example")
    assert response.status_code == 303
    assert not Rsvp.objects.exists()


def test_length_limits_and_bad_addresses_are_form_errors(client, home_page):
    event = rsvp_event()
    too_long = post(client, event, name="x" * 101)
    bad_email = post(client, event, email="not-an-address")
    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.content.decode()
    assert bad_email.status_code == 400
    assert "Enter a valid email address." in bad_email.content.decode()
    assert not Rsvp.objects.exists()


def test_csrf_is_enforced(home_page):
    event = rsvp_event()
    client = Client(enforce_csrf_checks=True)
    assert post(client, event).status_code == 403
    form = client.get(event.url + "rsvp/")
    assert form.status_code == 200
    token = form.cookies["csrftoken"].value
    response = post(client, event, csrfmiddlewaretoken=token)
    assert response.status_code == 303
    assert Rsvp.objects.count() == 1


def test_rate_limit_answers_429(client, home_page, rate_limit):
    rate_limit("rsvp.client", "10/1h")
    event = rsvp_event()
    for n in range(10):
        assert post(client, event, email=f"p{n}@example.org").status_code == 303
    response = post(client, event, email="eleventh@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Rsvp.objects.count() == 10


def test_a_refused_rsvp_leaves_the_address_its_confirmation_email(
    client, home_page, rate_limit, django_capture_on_commit_callbacks
):
    """The view takes the confirmation allowance with the other limits, before the
    claim: a refusal (full) gives it back, so the next RSVP is still confirmed."""
    rate_limit(ratelimit.RSVP_MAIL, "1/1d")
    event = rsvp_event(title="Lobby day", capacity=1, waitlist=False)
    record_rsvp(event_id=event.pk, name="B", email="b@example.org", language="en")
    refused = post(client, event, email="ana@example.org")
    assert "Sorry, this event is full." in refused.content.decode()

    Rsvp.objects.all().delete()  # a place frees up: Ana's allowance is still there
    with django_capture_on_commit_callbacks() as callbacks:
        assert post(client, event, email="ana@example.org").status_code == 303

    assert len(callbacks) == 2, "places purge and the confirmation task"
    assert not rsvp_mail_allowed("ana@example.org", event), "used up now"


def rsvp_mail(email: str, event) -> str:
    return ratelimit.rsvp_mail_key(ratelimit.address_id(email), event.pk)


def rsvp_mail_allowed(email: str, event) -> bool:
    return ratelimit.allow(ratelimit.RSVP_MAIL, rsvp_mail(email, event))


def test_a_guest_who_had_other_mail_today_still_gets_the_confirmation(
    client, home_page, rate_limit
):
    """The tester's case: signed up to a list (its confirmation e-mail used the
    address's daily allowance), then RSVPed, and again to a second event: each RSVP
    owes its confirmation, since each has its own allowance per event."""
    from subscribers.services import request_signup

    rate_limit(ratelimit.CONFIRMATION_MAIL, "1/1d")
    request_signup(
        email="layla@example.org",
        language="ar",
        list_ids=[MailingListFactory().pk],
        source="signup",
    )
    assert not ratelimit.allow_confirmation_mail("layla@example.org"), "used today"
    first, second = rsvp_event(title="Rally"), rsvp_event(title="Lobby day")

    for event in (first, second):
        assert post(client, event, email="layla@example.org").status_code == 303

    owed = GuestMessage.objects.filter(kind=GuestMessage.Kind.CONFIRMATION)
    assert sorted(owed.values_list("rsvp__event_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_one_mailbox_gets_a_few_rsvp_emails_a_day_across_events(
    client, home_page, rate_limit
):
    """The allowance per mailbox and event let a stranger have two e-mails a day sent
    to someone for every open event (the attacker's note): the mailbox has a daily
    allowance across events too. Past it nothing is stored or sent, and the answer is
    the one anybody gets."""
    rate_limit(ratelimit.RSVP_MAIL, "2/1d")
    rate_limit(ratelimit.RSVP_MAILS, "3/1d")
    events = [rsvp_event(title=f"Vigil {number}") for number in range(5)]
    answers = [post(client, event, email="victim@example.org") for event in events]

    assert [answer.status_code for answer in answers] == [303] * 5
    assert {answer["Location"].rsplit("/", 2)[-1] for answer in answers} == {
        "?sent=1"
    }, "the same answer, past the allowance too"
    assert sorted(Rsvp.objects.values_list("event_id", flat=True)) == sorted(
        event.pk for event in events[:3]
    )
    owed = GuestMessage.objects.filter(kind=GuestMessage.Kind.CONFIRMATION)
    assert owed.count() == 3
    # Another mailbox is not affected.
    assert post(client, events[4], email="ana@example.org").status_code == 303
    assert Rsvp.objects.filter(event=events[4]).count() == 1


def test_a_refused_rsvp_gives_back_the_mailbox_allowance_too(
    client, home_page, rate_limit
):
    rate_limit(ratelimit.RSVP_MAILS, "1/1d")
    full = rsvp_event(title="Lobby day", capacity=1, waitlist=False)
    record_rsvp(event_id=full.pk, name="B", email="b@example.org", language="en")
    assert (
        "Sorry, this event is full."
        in post(client, full, email="ana@example.org").content.decode()
    )
    other = rsvp_event(title="Vigil")
    assert post(client, other, email="ana@example.org").status_code == 303
    assert Rsvp.objects.filter(event=other).count() == 1, "the allowance was there"


def test_an_address_over_its_rsvp_limit_keeps_its_emails(client, home_page, rate_limit):
    """Limits are taken in turn: past the address's RSVP limit, its confirmation
    allowance is not counted."""
    rate_limit("rsvp.address", "1/1h")
    rate_limit(ratelimit.RSVP_MAIL, "2/1d")
    event = rsvp_event()
    assert post(client, event, email="ana@example.org").status_code == 303
    assert post(client, event, email="ana@example.org").status_code == 303

    assert Rsvp.objects.count() == 1
    assert rsvp_mail_allowed("ana@example.org", event), "one of two used"
    assert not rsvp_mail_allowed("ana@example.org", event)


def test_no_place_without_its_confirmation_email(client, home_page, rate_limit):
    """The tester's case: on a 2-place event, alice@ and ALICE@ (a repeat: the e-mail
    again) used the mailbox's two e-mails for the event; alice+rally@ took the last
    place with no e-mail, so no cancel link. Now nothing is stored for it (answered
    as anybody is, so the answer tells nothing), and every place owes its e-mail."""
    rate_limit("rsvp.address", "5/1h")
    rate_limit(ratelimit.RSVP_MAIL, "2/1d")
    event = rsvp_event(title="Emergency rally today", capacity=2, waitlist=True)

    assert post(client, event, email="alice@example.org").status_code == 303
    assert post(client, event, email="ALICE@Example.ORG").status_code == 303
    unsent = post(client, event, email="alice+rally@example.org")

    assert unsent.status_code == 303
    assert unsent["Location"].endswith("rsvp/?sent=1")
    assert Rsvp.objects.count() == 1, "the one place Alice took"
    assert EventPage.objects.get(pk=event.pk).places_left() == 1
    owed = GuestMessage.objects.filter(kind=GuestMessage.Kind.CONFIRMATION)
    assert set(owed.values_list("rsvp_id", flat=True)) == {Rsvp.objects.get().pk}
    assert owed.count() == 2, "the confirmation and the one sent again"


def probe(client, event, email: str, times: int = 3) -> list[tuple]:
    """What a stranger sees of ``times`` RSVPs for ``email``: status, where it leads,
    the body, and the page it leads to."""
    answers = []
    for _ in range(times):
        response = post(client, event, email=email)
        followed = (
            client.get(response["Location"])
            if response.has_header("Location")
            else None
        )
        answers.append(
            (
                response.status_code,
                response.get("Location"),
                response.content,
                followed and (followed.status_code, followed.content),
            )
        )
    return answers


def test_probing_a_mailbox_does_not_tell_whether_it_rsvped(home_page, rate_limit):
    """The attacker-tester's case: the victim RSVPed to a Know Your Rights session.
    Three RSVPs in her name answered [302, 429, 429], three for a fresh address
    [302, 302, 429]: her own confirmation had used part of the mailbox's allowance.
    Now both get the same answers, and past the allowance nothing is stored or sent."""
    rate_limit("rsvp.address", "5/1h")
    rate_limit(ratelimit.RSVP_MAIL, "2/1d")
    event = rsvp_event(title="Know Your Rights session", capacity=50)
    victim = Client(REMOTE_ADDR="198.51.100.7")
    assert post(victim, event, email="layla@example.org").status_code == 303
    attacker = Client(REMOTE_ADDR="203.0.113.66")

    on_the_victim = probe(attacker, event, "layla@example.org")
    on_a_stranger = probe(attacker, event, "someone.new@example.org")

    assert [answer[0] for answer in on_the_victim] == [303, 303, 303]
    assert on_the_victim == on_a_stranger
    layla = Rsvp.objects.get(email_hash=crypto.lookup_hash("layla@example.org"))
    assert layla.status == Rsvp.Status.CONFIRMED, "her place is untouched"
    assert layla.messages.count() == 2, "her confirmation and one sent again, no more"


def test_past_the_mailbox_allowance_a_repeat_gets_the_answer_a_new_address_gets(
    client, home_page, rate_limit
):
    """Bob's two +tags spent his mailbox's allowance: a third +tag and Bob himself
    (who has a place) are answered alike, as anybody is, and neither is stored or
    sent anything: no place without its e-mail, and his place stays as it was."""
    rate_limit("rsvp.address", "5/1h")
    rate_limit(ratelimit.RSVP_MAIL, "2/1d")
    event = rsvp_event(capacity=10)
    assert post(client, event, email="bob@example.net").status_code == 303
    assert post(client, event, email="bob+1@example.net").status_code == 303

    stranger = post(client, event, email="bob+2@example.net")
    repeat = post(client, event, email="bob@example.net")

    assert stranger.status_code == repeat.status_code == 303
    assert stranger["Location"] == repeat["Location"]
    assert stranger.content == repeat.content
    assert sorted(Rsvp.objects.values_list("email_hash", flat=True)) == sorted(
        crypto.lookup_hash(email) for email in ("bob@example.net", "bob+1@example.net")
    )
    for rsvp in Rsvp.objects.all():
        assert rsvp.status == Rsvp.Status.CONFIRMED
        assert rsvp.messages.filter(kind=GuestMessage.Kind.CONFIRMATION).count() == 1


def test_past_the_mailbox_allowance_the_event_refusal_comes_first(
    client, home_page, rate_limit
):
    """Anybody gets "full" from a full event: so does a mailbox past its allowance."""
    rate_limit(ratelimit.RSVP_MAIL, "1/1d")
    event = rsvp_event(capacity=1, waitlist=False)
    assert post(client, event, email="ana@example.org").status_code == 303

    response = post(client, event, email="ana+2@example.org")

    assert response.status_code == 200
    assert "Sorry, this event is full." in response.content.decode()
    with pytest.raises(ValidationError) as error:
        record_rsvp(
            event_id=event.pk, name="Ana", email="ana+3@example.org", language="en"
        )
    assert error.value.code == "full"
    assert Rsvp.objects.count() == 1


def test_the_service_refuses_a_place_it_cannot_confirm(home_page, rate_limit):
    """record_rsvp takes the allowance itself for its other callers (the partner API):
    past it, nothing is stored, and the refusal says why."""
    rate_limit(ratelimit.RSVP_MAIL, "1/1d")
    event = rsvp_event()
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="en")

    with pytest.raises(ValidationError) as error:
        record_rsvp(
            event_id=event.pk, name="Ana", email="ana+1@example.org", language="en"
        )

    assert error.value.code == "mail_limit"
    assert Rsvp.objects.count() == GuestMessage.objects.count() == 1


def test_list_opt_in_requests_a_pending_signup_from_source_rsvp(client, home_page):
    mailing_list = MailingListFactory(
        name="Community Outreach/Education", slug="outreach"
    )
    event = rsvp_event(rsvp_list=mailing_list)

    form = client.get(event.url + "rsvp/").content.decode()
    post(client, event, join_list="on")

    assert "Community Outreach/Education" in form
    # Kept for the worker, like every public signup (same time for a member).
    assert run_signup_requests() == 1
    subscription = Subscription.objects.get()
    assert subscription.mailing_list == mailing_list
    assert subscription.source == "rsvp"
    assert subscription.status == Subscription.Status.PENDING


def test_no_list_opt_in_without_the_box(client, home_page):
    mailing_list = MailingListFactory(name="Legal", slug="legal")
    event = rsvp_event(rsvp_list=mailing_list)
    post(client, event)
    assert run_signup_requests() == 0
    assert not Subscription.objects.exists()
    assert EventPage.objects.get(pk=event.pk).places_left() is None


def test_the_plain_rsvp_url_answers_only_for_a_public_live_event(client, home_page):
    """/_events/<id>/rsvp/ skips the page tree, not the page's rules: a draft, a
    translation's id or a private event is a 404, a GET-only URL refuses other verbs."""
    from wagtail.models import PageViewRestriction

    event = build_event(rsvp_mode="internal")
    assert client.get(f"/_events/{event.pk}/rsvp/").status_code == 200
    assert client.get(f"/_events/{event.pk + 999}/rsvp/").status_code == 404
    assert client.put(f"/_events/{event.pk}/rsvp/").status_code == 405
    assert client.post(f"/_events/{event.pk}/places/").status_code == 405

    PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    for url in (f"/_events/{event.pk}/rsvp/", f"/_events/{event.pk}/places/"):
        assert client.get(url).status_code == 404
    answer = client.post(
        f"/_events/{event.pk}/rsvp/", {"name": "Ana", "email": "ana@example.org"}
    )
    assert answer.status_code == 404
    assert not Rsvp.objects.exists()

    PageViewRestriction.objects.all().delete()
    event.unpublish()
    assert client.get(f"/_events/{event.pk}/places/").status_code == 404


def test_a_change_made_by_another_process_shows_on_the_next_request(client, home_page):
    """Each process keeps its lookup of a public event; a change anywhere gives the
    shared generation token a new value, and the next request looks the event up
    again even though this process's own copy was never cleared."""
    from events import selectors

    event = build_event(rsvp_mode="internal")
    places = f"/_events/{event.pk}/places/"
    with CaptureQueriesContext(connection) as first:
        assert client.get(places).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(places).status_code == 200
    assert len(again) < len(first)  # the lookup came from the process's copy

    # Another process unpublishes: the row changes and no signal runs here.
    EventPage.objects.filter(pk=event.pk).update(live=False)
    assert client.get(places).status_code == 200  # this copy, still current here
    assert selectors._public_events._copies  # never cleared in this process
    cache.set(selectors._public_events.token_key, "set by another process", None)
    assert client.get(places).status_code == 404
    assert client.post(places.replace("places", "rsvp"), {}).status_code == 404


def test_a_translations_id_is_not_an_event_of_its_own(client, home_page):
    event = build_event(rsvp_mode="internal")
    spanish = translate_page(event, "es")
    assert client.get(f"/_events/{spanish.pk}/places/").status_code == 404
    assert client.get(f"/es/_events/{event.pk}/places/").status_code == 200


@pytest.mark.parametrize("valid", [True, False])
def test_a_crowd_s_rsvp_checks_the_process_s_copy_with_its_limits(
    client, home_page, valid
):
    """An RSVP at the plain URL takes the process's copy of the event without
    reading its token first: the token comes back with the limits' round trip (in
    Redis, one script), and an event changed since (unpublished here by another
    process) is looked up again: 404, nothing written. A submission with errors checks
    the token on its own."""
    from events import selectors

    event = build_event(rsvp_mode="internal")
    rsvp = f"/_events/{event.pk}/rsvp/"
    assert client.get(f"/_events/{event.pk}/places/").status_code == 200
    assert selectors.unchecked_public_event(event_id=event.pk) is not None
    data = {"name": "Ana", "email": "ana@example.org", "website": ""}
    if not valid:
        data["email"] = "not an address"
    EventPage.objects.filter(pk=event.pk).update(live=False)
    cache.set(selectors._public_events.token_key, "set by another process", None)
    assert selectors.unchecked_public_event(event_id=event.pk) is not None, "kept here"
    assert client.post(rsvp, data).status_code == 404
    assert not Rsvp.objects.exists()

    EventPage.objects.filter(pk=event.pk).update(live=True)
    cache.set(selectors._public_events.token_key, "and again", None)
    answer = client.post(rsvp, data)
    assert answer.status_code == (303 if valid else 400)
    assert Rsvp.objects.count() == (1 if valid else 0)
