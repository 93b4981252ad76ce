"""An Arabic guest's e-mails (the RSVP confirmation, a reminder, an update) said their
direction only on the <html> element, which Gmail's web client drops with <body>'s
attributes: there the Arabic confirmation read left to right, its lines ranged left and
its full stops on the wrong side (found reading the reminders as they arrived). The
one-person shell (templates/email/_base.html) says it on its card for this reason; the
guest e-mail now says it on an element around everything it shows."""

import re

import pytest

from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import GuestMessage
from tests.events.guests import guest_event, guest_with_update, rsvp

pytestmark = pytest.mark.django_db


def as_gmail_shows(html: str) -> str:
    """What is left of the message's body once <html> and <body> are dropped."""
    return re.search(r"<body[^>]*>(.*)</body>", html, flags=re.S).group(1).strip()


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_the_guest_mail_keeps_its_direction_where_gmail_drops_html_attributes(
    home_page, language, direction
):
    guest, notice = guest_with_update(language, "See you there.")
    messages = {
        "confirmation": build_guest_email(rsvp=guest, kind=CONFIRMATION),
        "reminder": build_guest_email(rsvp=guest, kind=GuestMessage.Kind.REMINDER),
        "update": build_guest_email(
            rsvp=guest, kind=GuestMessage.Kind.UPDATE, notice=notice
        ),
    }
    for name, message in messages.items():
        ((html, _type),) = message.alternatives
        shown = as_gmail_shows(html)
        wrapper = re.match(r"<div ([^>]*)>", shown)
        assert wrapper, (name, shown[:200])
        assert f'dir="{direction}"' in wrapper.group(1), name
        assert f'lang="{language}"' in wrapper.group(1), name
        assert shown.endswith("</div>"), name
        # The wrapper holds it all: no other </div> closes it early.
        assert shown.count("<div") == shown.count("</div>") == 1, name


def test_a_waitlisted_arabic_guest_reads_right_to_left_too(home_page):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org", "es")
    waiting = rsvp(event, "Omar", "omar@example.org", "ar")
    ((html, _type),) = build_guest_email(rsvp=waiting, kind=CONFIRMATION).alternatives
    assert re.match(r'<div [^>]*dir="rtl"', as_gmail_shows(html))
