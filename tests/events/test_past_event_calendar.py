"""A past event offers no calendar entry.

The page of a rally that was over still said "Add to calendar: Google · Outlook.com ·
Add to my calendar (.ics)", and a bulletin's card of it the same: a reader who tapped
it put last month's rally into this week's calendar. An event that has ended offers no
calendar links (its page, a mail's card of it, the card's text part); one still to come
or under way keeps them.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from tests.factories import build_event

pytestmark = pytest.mark.django_db


def past_event(**fields):
    start = timezone.now() - timedelta(days=3)
    return build_event(start=start, end=start + timedelta(hours=2), **fields)


@pytest.mark.parametrize("prefix", ["", "/es", "/ar", "/zh-hans"])
def test_the_page_of_a_past_event_offers_no_calendar(client, home_page, prefix):
    event = past_event(title="Rally at City Hall", rsvp_mode="internal")
    page = client.get(prefix + event.url).content.decode()

    assert "Rally at City Hall" in page
    assert 'class="add-to-calendar"' not in page
    assert "calendar.google.com" not in page
    assert "outlook.live.com" not in page
    assert "ical/" not in page


def test_an_event_under_way_still_offers_its_calendar(client, home_page):
    start = timezone.now() - timedelta(minutes=30)
    event = build_event(start=start, end=start + timedelta(hours=2))
    page = client.get(event.url).content.decode()

    assert 'class="add-to-calendar"' in page
    assert "calendar.google.com" in page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_mail_card_of_a_past_event_offers_no_calendar(home_page, language):
    from django.template.loader import render_to_string

    from cms.email.text import Links

    event = past_event(title="Rally at City Hall")
    with override(language):
        html = render_to_string("email/event_summary.html", {"event": event})
        text = event.text_summary(Links("https://ona.example.org"))

    assert "Rally at City Hall" in html
    assert "Rally at City Hall" in text
    for part in (html, text):
        assert "calendar.google.com" not in part
        assert "outlook.live.com" not in part
