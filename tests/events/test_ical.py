"""iCalendar output parses with the icalendar library and round-trips UID, SEQUENCE, STATUS."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.factories import build_event, build_event_index, translate_page

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def publish(event, **fields):
    for name, value in fields.items():
        setattr(event, name, value)
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def test_single_event_ics_is_valid_with_vtimezone_and_chicago_times(client, home_page):
    start = datetime(2027, 2, 1, 16, 30, tzinfo=CHICAGO)
    event = build_event(
        title="Press conference and rally",
        kind="press_conference",
        start=start,
        end=start + timedelta(hours=2),
        venue="Department of Homeland Security",
        address="525 W Van Buren St",
    )

    calendar = parse(client.get(event.url + "ical/"))

    assert str(calendar["VERSION"]) == "2.0"
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "America/Chicago"
    (vevent,) = vevents(calendar)
    assert vevent.decoded("DTSTART") == start
    assert vevent["DTSTART"].params["TZID"] == "America/Chicago"
    assert vevent.decoded("DTEND") == start + timedelta(hours=2)
    assert str(vevent["UID"]) == event.ical_uid
    assert int(vevent["SEQUENCE"]) == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert "525 W Van Buren St" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(event.url)
    assert "DTSTAMP" in vevent


def test_uid_is_stable_sequence_bumps_on_change_and_cancelled_is_status(
    client, home_page
):
    event = build_event(title="Lobby day")
    first = vevents(parse(client.get(event.url + "ical/")))[0]

    publish(
        event,
        start=event.start + timedelta(hours=1),
        end=event.end + timedelta(hours=1),
    )
    moved = vevents(parse(client.get(event.url + "ical/")))[0]
    publish(event, cancelled=True)
    cancelled = vevents(parse(client.get(event.url + "ical/")))[0]
    event.save_revision()  # a draft saved but not published changes nothing
    unchanged = vevents(parse(client.get(event.url + "ical/")))[0]

    assert str(first["UID"]) == str(moved["UID"]) == str(cancelled["UID"])
    assert [int(e["SEQUENCE"]) for e in (first, moved, cancelled, unchanged)] == [
        0,
        1,
        2,
        2,
    ]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # Round trip: what we serialise is what a client reads back.
    again = Calendar.from_ical(Calendar.from_ical(cancelled.to_ical()).to_ical())
    assert str(again["UID"]) == str(first["UID"])


def test_translations_share_the_uid(client, home_page):
    event = build_event(title="Leadership summit")
    spanish = translate_page(event, "es", title="Cumbre de liderazgo")

    english = vevents(parse(client.get(event.url + "ical/")))[0]
    translated = vevents(parse(client.get(spanish.url + "ical/")))[0]

    assert spanish.url.startswith("/es/")
    assert str(english["UID"]) == str(translated["UID"])
    assert str(translated["SUMMARY"]) == "Cumbre de liderazgo"


def test_feeds_all_events_and_per_kind(client, home_page):
    index = build_event_index()
    build_event(index, title="Rally at DHS", kind="rally")
    build_event(index, title="Webinar on safe schools", kind="webinar")

    everything = vevents(parse(client.get(index.url + "feed/")))
    rallies = vevents(parse(client.get(index.url + "feed/rally/")))

    assert sorted(str(e["SUMMARY"]) for e in everything) == [
        "Rally at DHS",
        "Webinar on safe schools",
    ]
    assert [str(e["SUMMARY"]) for e in rallies] == ["Rally at DHS"]
    assert client.get(index.url + "feed/not-a-kind/").status_code == 404


def test_hidden_address_stays_out_of_feeds(client, home_page):
    index = build_event_index()
    build_event(
        index,
        title="Know Your Rights session",
        kind="know_your_rights",
        venue="Community hall",
        address="99 Private Rd",
        hide_address=True,
        rsvp_mode="internal",
    )
    feed = client.get(index.url + "feed/").content.decode()
    assert "99 Private Rd" not in feed
    assert "Community hall" in feed
