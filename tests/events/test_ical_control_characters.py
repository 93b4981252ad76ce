"""No control character from staff-entered text reaches a calendar file. RFC 5545
(3.3.11) allows none in TEXT but HTAB (line breaks travel escaped, as ``\\n``); a
title or address pasted from Word or a PDF carries \\x0b (Word's line break), \\x01
or DEL, and the icalendar library wrote them out as they were: Outlook and Google
refuse such a file, khal fails on it. As the RSS/Atom feeds do (``xml_text``),
breaks and separators become spaces and the rest goes; the C1 controls (U+0080 to
U+009F, "ESC [" in one character) go too. Through each path: the event's .ics, the
calendar feeds and the .ics attached to an RSVP's e-mail."""

import re

import pytest

from tests.events.guests import guest_event, parse_both, rsvp, sent_emails
from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db

TITLE = "Rally\x0bat\x01 Daley\x7f Plaza\x9b\x1b[2J"
VENUE = "Daley\x0c Plaza\x08 steps"
DESCRIPTION = "<p>Bring\x02 water\x1f and\x85 signs.</p>"
# What RFC 5545 calls CONTROL (all of US-ASCII's but HTAB), and the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def assert_clean(raw: bytes) -> None:
    assert raw.endswith(b"\r\n")
    for line in raw.decode().split("\r\n"):
        assert not CONTROL.search(line), repr(line)
    vevent = parse_both(raw).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Rally at Daley Plaza[2J"
    assert "Daley  Plaza steps" in str(vevent["LOCATION"])
    assert str(vevent["DESCRIPTION"]).startswith("Bring water and signs.")


def staff_event(**fields):
    return build_event(title=TITLE, venue=VENUE, address="50 W Washington St", **fields)


def test_the_event_s_ics_has_no_control_characters(client, home_page):
    event = staff_event(description=DESCRIPTION)
    response = client.get(event.url + "ical/")
    assert response.status_code == 200
    assert_clean(response.content)


def test_the_calendar_feeds_have_no_control_characters(client, home_page):
    index = build_event_index()
    index.title = "Events\x0b and\x01 rallies"
    index.save_revision().publish()
    staff_event(index=index, description=DESCRIPTION, kind="rally")
    for feed in ("feed/", "feed/rally/"):
        response = client.get(index.url + feed)
        assert response.status_code == 200
        assert_clean(response.content)
        calendar = parse_both(response.content)
        assert str(calendar["X-WR-CALNAME"]).startswith("Events  and rallies")


def test_the_rsvp_e_mail_s_invitation_has_no_control_characters(home_page):
    event = guest_event(
        title=TITLE, venue=VENUE, description=DESCRIPTION, hide_address=False
    )
    rsvp(event, "Ana", "ana@example.org")
    (received,) = sent_emails()
    ((_method, raw),) = received.calendars
    assert_clean(raw)
