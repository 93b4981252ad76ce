"""The listing's past tab offers no calendar subscription.

"Subscribe to the calendar: Calendar app (webcal) · Google · Outlook.com · Download
(.ics)" and the eight "Calendars by kind" stood under the past events too, where a
reader browsing last spring's rallies took them for a calendar of those: the feeds
bring the events to come (and a few weeks back, for cancellations), never the
archive shown. The past tab leaves them off; the upcoming tab keeps them.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db

# The listing's own feeds (/events/feed/...); the bulletins' feeds in the head stay.
FEED_MARKS = ["webcal://", "calendar.google.com", "outlook.live.com", "events/feed/"]


@pytest.fixture
def listing(home_page):
    index = build_event_index(home_page)
    start = timezone.now() - timedelta(days=30)
    build_event(index, title="Rally at City Hall", start=start)
    build_event(index, title="Know Your Rights session")
    return index


@pytest.mark.parametrize("prefix", ["", "/es", "/hi", "/zh-hans", "/ar", "/pl"])
def test_the_past_tab_offers_no_calendar_subscription(client, listing, prefix):
    page = client.get(f"{prefix}{listing.url}?when=past").content.decode()

    assert "Rally at City Hall" in page
    assert 'class="subscribe"' not in page
    assert 'class="kind-feeds"' not in page
    for mark in FEED_MARKS:
        assert mark not in page, mark


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_upcoming_tab_keeps_its_calendar_subscription(client, listing, prefix):
    page = client.get(f"{prefix}{listing.url}").content.decode()

    assert "Know Your Rights session" in page
    assert 'class="subscribe"' in page
    assert 'class="kind-feeds"' in page
    for mark in FEED_MARKS:
        assert mark in page, mark


def test_a_filtered_past_tab_offers_none_either(client, listing):
    page = client.get(f"{listing.url}?when=past&kind=rally&month=2020-01").content
    assert b"webcal://" not in page
