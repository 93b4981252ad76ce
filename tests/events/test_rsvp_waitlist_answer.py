"""The page after the RSVP form says when the event was waitlisting new guests.

A guest put on the waitlist saw "we have sent you the details" and learned from the
e-mail alone that they had no place. The page now says it, from the event's state when
the RSVP was decided (a new guest would have been waitlisted), never from the address's
history: a stranger typing someone's address gets the answer a new address gets.
"""

import pytest
from django.core.cache import cache

from cms import ratelimit
from events.models import Rsvp
from events.services import record_rsvp
from tests.factories import build_event

pytestmark = pytest.mark.django_db

SENT = "rsvp/?sent=1"
WAITLIST = "rsvp/?sent=waitlist"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def rsvp_event(**fields):
    return build_event(title="Know Your Rights session", rsvp_mode="internal", **fields)


def post(client, event, email, prefix=""):
    payload = {"name": "Ana", "email": email, "website": ""}
    return client.post(f"{prefix}{event.url}rsvp/", payload)


def where(answer) -> str:
    assert answer.status_code == 303, answer.content.decode()[-2000:]
    return answer["Location"]


def test_a_waitlisted_guest_is_told_on_the_page(client, home_page):
    event = rsvp_event(capacity=1, waitlist=True)
    took_the_last_place = where(post(client, event, "bo@example.org"))
    waitlisted = where(post(client, event, "ana@example.org"))

    assert took_the_last_place.endswith(SENT), "the last place is a place"
    assert waitlisted.endswith(WAITLIST)
    assert list(Rsvp.objects.order_by("pk").values_list("status", flat=True)) == [
        Rsvp.Status.CONFIRMED,
        Rsvp.Status.WAITLISTED,
    ]
    page = client.get(waitlisted)
    text = page.content.decode()
    assert page.status_code == 200
    assert "new RSVPs go on the waitlist: unless you already had a place" in text
    assert "<title>Waitlist" in text
    assert "we have sent you the details of your RSVP" not in text


def test_the_waitlist_page_keeps_the_guests_language(client, home_page):
    event = rsvp_event(capacity=1, waitlist=True)
    record_rsvp(event_id=event.pk, name="Bo", email="bo@example.org", language="en")
    answer = where(post(client, event, "layla@example.org", prefix="/ar"))
    assert answer == f"/ar{event.url}{WAITLIST}"
    page = client.get(answer)
    assert page.status_code == 200
    assert 'lang="ar"' in page.content.decode()


def test_the_answer_does_not_tell_who_had_rsvped(client, home_page, rate_limit):
    """Once the event waitlists new guests, an address with a place, one on the
    waitlist, one over its e-mail allowance and a new one are answered alike; while
    it has places, alike again."""
    rate_limit(ratelimit.RSVP_MAIL, "1/1d")
    event = rsvp_event(capacity=2, waitlist=True)
    with_places = [
        where(post(client, event, "bo@example.org")),
        where(post(client, event, "bo@example.org")),  # a repeat, over its allowance
    ]
    where(post(client, event, "cy@example.org"))  # the last place
    waitlisting = [
        where(post(client, event, "ana@example.org")),  # new: waitlisted
        where(post(client, event, "ana@example.org")),  # over its allowance
        where(post(client, event, "cy@example.org")),  # has a place, over allowance
        where(post(client, event, "dee@example.org")),  # new: waitlisted
    ]
    cache.clear()  # allowances back: the claim itself answers the repeats
    waitlisting += [
        where(post(client, event, "bo@example.org")),  # has a place
        where(post(client, event, "ana@example.org")),  # on the waitlist
    ]

    assert {url.rpartition("/events/")[2] for url in with_places} == {
        f"{event.slug}/{SENT}"
    }
    assert {url.rpartition("/events/")[2] for url in waitlisting} == {
        f"{event.slug}/{WAITLIST}"
    }
    statuses = dict(Rsvp.objects.values_list("email_hash", "status"))
    assert sorted(statuses.values()) == sorted(
        [Rsvp.Status.CONFIRMED] * 2 + [Rsvp.Status.WAITLISTED] * 2
    )


def test_an_event_holding_places_until_confirmed_never_says_waitlist(client, home_page):
    event = rsvp_event(capacity=1, waitlist=True, confirm_by_email=True)
    Rsvp.objects.create(
        event=event,
        name="Bo",
        email="bo@example.org",
        email_hash="x",
        status="confirmed",
    )
    assert where(post(client, event, "ana@example.org")).endswith(SENT)


def test_a_bot_is_answered_as_a_person_would_be(client, home_page):
    """The honeypot's answer went to ?sent=1 while a person's, at a full event, went to
    ?sent=waitlist: a script could tell that its honeypot had caught it."""
    event = rsvp_event(capacity=1, waitlist=True)
    where(post(client, event, "bo@example.org"))
    person = where(post(client, event, "ana@example.org"))
    bot = where(
        client.post(
            f"{event.url}rsvp/",
            {"name": "Bot", "email": "bot@example.org", "website": "http://spam"},
        )
    )
    assert bot == person
    assert Rsvp.objects.count() == 2
