"""A full event says so, and offers its waitlist when it has one."""

import pytest
from django.test import Client

from cms.page_cache import bump_generation
from events.services import record_rsvp
from tests.factories import build_event

pytestmark = pytest.mark.django_db


def fill(event):
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="en")
    # The RSVP clears the page cache when its transaction commits, which a test
    # inside one transaction never does (and its confirmation e-mail is not wanted).
    bump_generation()


def test_a_full_event_with_a_waitlist_offers_it(home_page):
    event = build_event(rsvp_mode="internal", capacity=1, waitlist=True)
    html = Client().get(event.url).content.decode()
    assert "1 place left" in html
    fill(event)
    html = Client().get(event.url).content.decode()
    assert "0 places left" not in html
    assert "This event is full. Join the waitlist" in html
    assert f'href="{event.url}rsvp/">Join the waitlist</a>' in html


def test_a_full_event_without_a_waitlist_says_it_is_full(home_page):
    event = build_event(rsvp_mode="internal", capacity=1, waitlist=False)
    fill(event)
    html = Client().get(event.url).content.decode()
    assert "This event is full." in html
    assert f'href="{event.url}rsvp/"' not in html
