"""A guest e-mail's text part leaves one blank line after its greeting, as between its
other paragraphs: testers saw two after "Hello, your RSVP is confirmed." (and before the
organizer's words on an update without listed changes)."""

import re

import pytest

from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import EventNotice, GuestMessage
from tests.events.guests import guest_event, guest_with_update, rsvp

pytestmark = pytest.mark.django_db


def test_the_confirmation_has_one_blank_line_after_the_greeting(home_page):
    ana = rsvp(guest_event(), "Ana", "ana@example.org")

    body = build_guest_email(rsvp=ana, kind=CONFIRMATION).body

    assert body.startswith(
        "Hello, your RSVP is confirmed.\n\nKnow Your Rights session\n"
    )
    assert not re.search(r"\n[ \t]*\n[ \t]*\n", body)


def test_an_update_keeps_one_blank_line_around_its_changes_and_message(home_page):
    omar, notice = guest_with_update("en", "Bring your ID card.")
    changed = build_guest_email(
        rsvp=omar, kind=GuestMessage.Kind.UPDATE, notice=notice
    ).body
    notice = EventNotice.objects.create(
        event=notice.event, kind=EventNotice.Kind.UPDATE, changes=[], message="Hi."
    )
    unlisted = build_guest_email(
        rsvp=omar, kind=GuestMessage.Kind.UPDATE, notice=notice
    ).body

    assert re.match(
        r"Hello, an event you RSVPed to has changed\.[^\n]*\n\n\* ", changed
    )
    assert "\n\nBring your ID card.\n\nKnow Your Rights session\n" in changed
    assert re.match(
        r"Hello, an event you RSVPed to has changed\.[^\n]*\n\nHi\.\n\n", unlisted
    )
    for body in (changed, unlisted):
        assert not re.search(r"\n[ \t]*\n[ \t]*\n", body)
