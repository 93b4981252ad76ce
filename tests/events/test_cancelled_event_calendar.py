"""A cancelled event offers no calendar anywhere, and its .ics takes it out.

Its page still offered "Add to my calendar (.ics)", an alert about it "Add to calendar"
beside "Cancelled", and the .ics was a PUBLISH entry: a guest on a phone who tapped it
got a cancelled event added. Now neither the page nor the alert offers a calendar, and
the event's .ics is a METHOD:CANCEL (STATUS:CANCELLED, the same UID, a higher
SEQUENCE) that a calendar which imported the event applies to its copy.
"""

import pytest
from icalendar import Calendar

from cms.email.rendering import render_email
from cms.models import AlertPage
from tests.events.khal import KhalCalendar
from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db


def cancel(event):
    event.cancelled = True
    event.save_revision().publish()
    event.refresh_from_db()
    return event


@pytest.mark.parametrize("prefix", ["", "/es", "/ar"])
def test_the_page_of_a_cancelled_event_offers_no_calendar(client, home_page, prefix):
    event = build_event(title="Know Your Rights session", rsvp_mode="internal")
    before = client.get(prefix + event.url).content.decode()
    cancel(event)
    after = client.get(prefix + event.url).content.decode()

    assert 'class="add-to-calendar"' in before
    assert "ical/" in before
    assert "This event has been cancelled." in after or prefix
    assert 'class="cancelled"' in after
    assert 'class="add-to-calendar"' not in after
    assert "calendar.google.com" not in after
    # Only the way out: the .ics that takes it out of a calendar that imported it.
    assert 'class="remove-from-calendar"' in after
    assert after.count("ical/") == 1
    assert "Add to my calendar" not in after


def test_the_ics_of_a_cancelled_event_removes_it_from_a_calendar(
    client, home_page, tmp_path
):
    event = build_event(title="Know Your Rights session")
    published = client.get(event.url + "ical/").content
    cancel(event)
    answer = client.get(event.url + "ical/")
    calendar = Calendar.from_ical(answer.content)
    (vevent,) = calendar.walk("VEVENT")

    assert answer.status_code == 200
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == event.ical_uid
    assert int(vevent["SEQUENCE"]) > 0
    assert "ORGANIZER" in vevent
    assert str(Calendar.from_ical(published)["METHOD"]) == "PUBLISH"

    # A phone's calendar that had imported the event applies the cancellation.
    phone = KhalCalendar.create(tmp_path)
    phone.import_ics(published, "event")
    phone.import_ics(answer.content, "cancelled")
    (entry,) = phone.events()
    assert entry["uid"] == event.ical_uid
    assert entry["status"] == "CANCELLED"


def test_the_feed_keeps_a_cancelled_event_as_cancelled(client, home_page):
    event = cancel(build_event(title="Know Your Rights session"))
    calendar = Calendar.from_ical(client.get("/events/feed/").content)
    (vevent,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == event.ical_uid]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(vevent["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_an_alert_about_a_cancelled_event_offers_no_calendar(home_page, language):
    index = build_event_index(home_page)
    event = build_event(index, title="Rally at City Hall", rsvp_mode="internal")
    alert = AlertPage(title="Rally cancelled", message="<p>Stay home.</p>", event=event)
    index.add_child(instance=alert)
    alert.save_revision().publish()
    offered = render_email(alert, language=language)
    cancel(event)
    cancelled = render_email(alert, language=language)

    assert "ical/" in offered.html
    assert "ical/" in offered.text
    for part in (cancelled.html, cancelled.text):
        assert "ical/" not in part
        assert "calendar.google.com" not in part
        assert "outlook" not in part.lower()
    assert event.url in cancelled.html, "the event's page is still linked"
