"""Builders and readers for guest tests: an RSVP event with translations and guests,
the e-mails they receive and the calendar objects attached to them."""

from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import vobject
from django.core import mail
from icalendar import Calendar

from events.models import Rsvp
from events.services import record_rsvp
from tests.factories import build_event, translate_page

PRIVATE_ADDRESS = "1 Example St, Chicago, IL 60608"


def guest_event(**fields):
    """A Know Your Rights session whose address goes to confirmed guests only, in
    English, Spanish and Arabic."""
    values = {
        "title": "Know Your Rights session",
        "kind": "know_your_rights",
        "venue": "A community hall in Pilsen",
        "address": PRIVATE_ADDRESS,
        "hide_address": True,
        "rsvp_mode": "internal",
        "capacity": 2,
        "description": "<p>Bring your questions; the morning&#x27;s session is free.</p>",
    }
    values.update(fields)
    event = build_event(**values)
    translate_page(event, "es", title="Sesión Conozca sus derechos")
    translate_page(event, "ar", title="جلسة اعرف حقوقك")
    event.refresh_from_db()
    return event


def rsvp(event, name: str, email: str, language: str = "en") -> Rsvp:
    """An RSVP whose confirmation has gone out, as it has moments after (the owed
    message's sender runs on the alerts lane)."""
    from events.guest_mail import send_guest_messages

    guest = record_rsvp(event_id=event.pk, name=name, email=email, language=language)
    send_guest_messages()
    return guest


def publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@dataclass
class Received:
    """One sent e-mail, decoded: headers, text, html and its calendar parts."""

    to: str
    subject: str
    text: str
    html: str
    calendars: list[tuple[str, bytes]]  # (method, raw .ics)
    raw: bytes

    @property
    def everything(self) -> str:
        """Every decoded part, for privacy greps."""
        parts = [self.subject, self.text, self.html]
        parts += [raw.decode() for _, raw in self.calendars]
        return "\n".join(parts)

    def calendar(self) -> Calendar:
        ((_, raw),) = self.calendars
        return Calendar.from_ical(raw)


def parse_email(raw: bytes) -> Received:
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    calendars = [
        (part.get_param("method") or "", part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    return Received(
        to=str(message["To"]),
        subject=str(message["Subject"]).strip(),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
        calendars=calendars,
        raw=raw,
    )


def sent_emails() -> list[Received]:
    """What Django's test backend (locmem) holds, parsed as it would go out."""
    return [parse_email(message.message().as_bytes()) for message in mail.outbox]


def outbox_emails(folder: Path) -> list[Received]:
    """Every .eml in a file outbox, oldest first."""
    return [parse_email(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def parse_both(raw: bytes) -> Calendar:
    """Parse with icalendar and vobject (two independent readers); icalendar's."""
    vobject.readOne(raw.decode())
    return Calendar.from_ical(raw)


def vevent(raw: bytes):
    (component,) = parse_both(raw).walk("VEVENT")
    return component


def arabic_guest_with_update(phone: str):
    """Omar, RSVPed in Arabic to the session, and an update to it whose organizer's
    message holds a phone number: what the bidi tests of guest e-mails render."""
    return guest_with_update("ar", f"للأسئلة اتصلوا على {phone}.")


def guest_with_update(language: str, message: str):
    """A guest who RSVPed to the session in ``language``, and an update to it with the
    organizer's ``message``."""
    from events.models import EventNotice

    event = guest_event(title="Know Your Rights session")
    guest = rsvp(event, "Omar", "omar@example.org", language)
    notice = EventNotice.objects.create(
        event=event, kind=EventNotice.Kind.UPDATE, changes=["time"], message=message
    )
    return guest, notice
