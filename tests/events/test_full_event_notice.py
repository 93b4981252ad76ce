"""A full event says so, and offers its waitlist when it has one: in the places
fragment the cached event page fills in, and on the RSVP page (readers without
JavaScript)."""

import pytest
from django.test import Client

from events.services import record_rsvp
from tests.factories import build_event

pytestmark = pytest.mark.django_db


def fill(event):
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="en")


def test_a_full_event_with_a_waitlist_offers_it(home_page):
    event = build_event(rsvp_mode="internal", capacity=1, waitlist=True)
    html = Client().get(event.url + "places/").content.decode()
    assert "1 place left" in html
    fill(event)
    html = Client().get(event.url + "places/").content.decode()
    assert "0 places left" not in html
    assert "This event is full. Join the waitlist" in html
    assert f'href="/_events/{event.pk}/rsvp/">Join the waitlist</a>' in html
    form = Client().get(event.url + "rsvp/").content.decode()
    assert "This event is full. Join the waitlist" in form


def test_a_full_event_without_a_waitlist_says_it_is_full(home_page):
    event = build_event(rsvp_mode="internal", capacity=1, waitlist=False)
    fill(event)
    html = Client().get(event.url + "places/").content.decode()
    assert "This event is full." in html
    assert f'href="/_events/{event.pk}/rsvp/"' not in html
    form = Client().get(event.url + "rsvp/").content.decode()
    assert "Sorry, this event is full." in form


def test_the_waitlist_form_asks_to_join_the_waitlist(home_page):
    """The RSVP form of a full event said "This event is full. Join the waitlist"
    above a button still reading "Send my RSVP" (in Arabic "أرسل تأكيد حضوري"), as
    if a place were being taken; its button now says what it does, in the reader's
    language, and an event with places left keeps "Send my RSVP"."""
    from django.utils import translation

    event = build_event(rsvp_mode="internal", capacity=1, waitlist=True)
    before = Client().get(event.url + "rsvp/").content.decode()
    assert '<button type="submit">Send my RSVP</button>' in before
    fill(event)
    english = Client().get(event.url + "rsvp/").content.decode()
    arabic = Client().get(f"/ar/_events/{event.pk}/rsvp/").content.decode()

    assert '<button type="submit">Join the waitlist</button>' in english
    assert "Send my RSVP" not in english
    with translation.override("ar"):
        join = translation.gettext("Join the waitlist")
        send = translation.gettext("Send my RSVP")
    assert join != "Join the waitlist"
    assert f'<button type="submit">{join}</button>' in arabic
    assert send not in arabic
