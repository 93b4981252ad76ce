"""Guest e-mails in Arabic keep their left-to-right pieces in order, with the same
cms.bidi tools as the bulletin: phone numbers isolated (a dir="ltr" span in HTML, LRI
... PDI in text), the event's title and place in their own direction, a right-to-left
mark after each dot of the calendar row, and every URL of the text part on a line of
its own (after an Arabic label its closing slash would show on the wrong side)."""

import re

import pytest

from cms.bidi import LRI, LRM, PDI
from cms.bidi import RLM as RLM_CHARACTER
from cms.email.rendering import render_email
from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import GuestMessage
from tests.events.guests import (
    arabic_guest_with_update,
    guest_event,
    guest_with_update,
    rsvp,
)
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db

PHONE = "312-660-1370"
RLM = "&rlm;"
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def parts(message) -> tuple[str, str]:
    ((html, _type),) = message.alternatives
    return message.body, html


def calendar_row(html: str) -> str:
    (row,) = re.findall(r"<p [^>]*>[^\n]*calendar\.google[^\n]*</p>", html)
    return row


def test_arabic_guest_emails_isolate_numbers_titles_and_the_calendar_row(home_page):
    omar, notice = arabic_guest_with_update(PHONE)
    messages = {
        "confirmation": build_guest_email(rsvp=omar, kind=CONFIRMATION),
        "update": build_guest_email(
            rsvp=omar, kind=GuestMessage.Kind.UPDATE, notice=notice
        ),
    }
    for name, message in messages.items():
        text, html = parts(message)
        row = calendar_row(html)
        assert 'lang="ar" dir="rtl"' in row, name
        assert f">Google</a> ·{RLM} <a" in row, name
        assert f">Outlook.com</a> ·{RLM} " in row, name
        assert '<bdi lang="ar" dir="rtl">جلسة اعرف حقوقك</bdi>' in html, name
        for line in text.splitlines():
            assert not (ARABIC_LETTER.search(line) and "://" in line), line
    text, html = parts(messages["update"])
    assert f'<span dir="ltr" class="nowrap">{PHONE}</span>' in html
    assert f"{LRI}{PHONE}{PDI}" in text


def test_the_guest_and_bulletin_calendar_rows_carry_the_same_marks(home_page):
    event = guest_event()
    omar = rsvp(event, "Omar", "omar@example.org", "ar")
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    bulletin = build_bulletin(
        body=[
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 3},
            )
        ],
    )
    # The bulletin's stylesheet is inlined: its entities come out as characters.
    assert "·\u200f" in render_email(bulletin, language="ar").html
    _text, guest_html = parts(build_guest_email(rsvp=omar, kind=CONFIRMATION))
    assert f"·{RLM}" in calendar_row(guest_html)
    _text, spanish = parts(build_guest_email(rsvp=ana, kind=CONFIRMATION))
    assert RLM not in spanish, "left-to-right readers need no marks"


MOVED = "Moved one hour later: 7 a.m. Same place."
MESSAGE_PARAGRAPH = re.compile(
    r'<p dir="(\w+)" style="border-inline-start[^"]*">(.*?)</p>'
)


def update_email(language: str, message: str) -> tuple[str, str]:
    guest, notice = guest_with_update(language, message)
    return parts(
        build_guest_email(rsvp=guest, kind=GuestMessage.Kind.UPDATE, notice=notice)
    )


def test_the_organizers_english_words_read_left_to_right_in_an_arabic_email(
    home_page,
):
    """In the right-to-left e-mail the sentence's full stop moved to its start
    (".Moved one hour later: 7 a.m. Same place"): the message now takes its direction
    from its first letter, and its line in the text part carries left-to-right marks
    for clients that lay the whole Arabic text part out right to left."""
    text, html = update_email("ar", f"{MOVED}\nSee https://example.org/rally")

    (paragraph,) = MESSAGE_PARAGRAPH.findall(html)
    assert paragraph == ("ltr", f"{MOVED}<br>See https://example.org/rally")
    assert f"\n{LRM}{MOVED}{LRM}\n" in text
    # A mark right after a link would be taken as part of it.
    assert f"\n{LRM}See https://example.org/rally\n" in text


def test_the_organizers_arabic_words_read_right_to_left_in_any_email(home_page):
    message = "للأسئلة اتصلوا على 312-660-1370."
    text, html = update_email("ar", message)
    ((direction, _words),) = MESSAGE_PARAGRAPH.findall(html)
    assert direction == "rtl"
    assert RLM_CHARACTER not in text, "no marks in its own direction"
    # The footer's English postal address is marked; the organizer's words are not
    # (a link's line is: its final slash is held at its end, test_bidi.py).
    assert [
        line
        for line in text.split("\n-- \n")[0].splitlines()
        if LRM in line and "://" not in line
    ] == []

    text, html = update_email("es", message)
    ((direction, _words),) = MESSAGE_PARAGRAPH.findall(html)
    assert direction == "rtl"
    assert f"\n{RLM_CHARACTER}{message}{RLM_CHARACTER}\n" in text
