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
