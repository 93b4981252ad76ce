"""iCalendar (RFC 5545) for one event or a feed, and iTIP (RFC 5546) for one guest.

Every text value is plain text escaped once by the icalendar library: rich text is
turned into text (entities decoded), never HTML-escaped first. One event has one UID
and one SEQUENCE in every language: both come from the default-locale page, which
owns them (``EventPage.SHARED_FIELDS``).
"""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from email.mime.text import MIMEText
from email.utils import parseaddr

from bs4 import BeautifulSoup
from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from icalendar import Calendar, Event, vCalAddress, vText
from wagtail.rich_text import expand_db_html

from cms.email.text import Links
from cms.languages import localized_url

_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "div", "br")
# RFC 5545 3.3.11 allows no control character in TEXT but HTAB; line breaks are fine
# as icalendar escapes them (``\\n``). As the feeds' ``xml_text``: Word's line and
# page breaks and the separators read as spaces, the other C0 controls, DEL, the C1
# controls (NEL as a space) and lone surrogates (not encodable) as nothing.
_AS_SPACE = re.compile(r"[\x0b\x0c\x1c-\x1f\x85]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def ical_text(text: str) -> str:
    """Staff-entered text fit for an iCalendar TEXT value (before its escaping)."""
    return _NOT_TEXT.sub("", _AS_SPACE.sub(" ", str(text)))


def _absolute(path: str) -> str:
    return Links(settings.WAGTAILADMIN_BASE_URL).absolute(path or "/")


def plain_text(html: str) -> str:
    """Rich text as plain text: paragraphs kept, tags dropped, entities decoded."""
    if not html:
        return ""
    soup = BeautifulSoup(expand_db_html(str(html)), "html.parser")
    for link in soup.find_all("a", href=True):
        label = " ".join(link.get_text().split())
        href = _absolute(link["href"])
        link.replace_with(f"{label} ({href})" if label and label != href else href)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def shared_bookkeeping(events: Iterable) -> dict:
    """{translation_key: (sequence, changed_at, first published)} of the source pages,
    in one query, so every language of a feed carries the source's values."""
    from wagtail.models import Locale

    from events.models import EventPage

    keys = {event.translation_key for event in events}
    rows = EventPage.objects.filter(
        translation_key__in=keys, locale=Locale.get_default()
    ).values_list(
        "translation_key", "ical_sequence", "ical_changed_at", "first_published_at"
    )
    return {key: (sequence, changed, first) for key, sequence, changed, first in rows}


def event_component(
    event,
    *,
    bookkeeping: tuple | None = None,
    location: str | None = None,
    stamp: datetime | None = None,
    cancelled: bool | None = None,
    url: str | None = None,
) -> Event:
    """A VEVENT whose UID and SEQUENCE are shared by all translations; ``url`` (site
    relative) defaults to the event's page as a reader of the active language follows
    it (``/es/events/<slug>/`` for an untranslated event), like the calendar links
    beside it: its ``reader_url`` when a listing set one, else its localized URL."""
    if bookkeeping is None:
        bookkeeping = shared_bookkeeping([event]).get(event.translation_key)
    sequence, changed_at, created = bookkeeping or (
        event.ical_sequence,
        event.ical_changed_at,
        event.first_published_at,
    )
    component = Event()
    component.add("uid", event.ical_uid)
    component.add("sequence", sequence)
    # Every object we make carries a METHOD, so DTSTAMP is when it was made (RFC
    # 5545 3.8.7.2); when the event itself last changed is LAST-MODIFIED.
    component.add("dtstamp", stamp or _now())
    if created and changed_at:
        # Edits to a draft before its first publication are older than CREATED (the
        # first publication): no calendar saw them, and RFC 5545 has no object
        # modified before it was created.
        changed_at = max(changed_at, created)
    if created:
        component.add("created", created.astimezone(UTC).replace(microsecond=0))
    if changed_at:
        component.add(
            "last-modified", changed_at.astimezone(UTC).replace(microsecond=0)
        )
    component.add("dtstart", event.local_start)
    component.add("dtend", event.local_end)
    component.add("summary", ical_text(event.title))
    is_cancelled = event.cancelled if cancelled is None else cancelled
    component.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    location = event.location_text(for_calendars=True) if location is None else location
    location = ical_text(location)
    if location:
        component.add("location", location)
    url = _absolute(url or getattr(event, "reader_url", "") or localized_url(event))
    description = ical_text(plain_text(event.description))
    component.add("description", f"{description}\n\n{url}".strip())
    component.add("url", url)
    component.add("categories", [ical_text(event.kind_label)])
    return component


def _calendar(method: str, events: list, *, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", settings.ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name is not None:
        # Not a property icalendar knows: without vText it would go out unescaped.
        calendar.add("x-wr-calname", vText(ical_text(name)))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _add_timezones(calendar: Calendar, events: list) -> None:
    # VTIMEZONE covering just the years the events span keeps feeds small.
    years = [e.local_start.year for e in events] + [e.local_end.year for e in events]
    if years:
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
        )


def calendar_bytes(events: Iterable, *, name: str, cancel: bool = False) -> bytes:
    """A published VCALENDAR (feed or one event's .ics), public facts only.
    ``cancel``: one cancelled event's own .ics, a METHOD:CANCEL (RFC 5546 3.2.5,
    with its ORGANIZER) that a calendar which imported the event removes it with,
    and never an entry to add; a feed keeps cancelled events as STATUS:CANCELLED."""
    events = list(events)
    calendar = _calendar("CANCEL" if cancel else "PUBLISH", events, name=name)
    bookkeeping = shared_bookkeeping(events)
    stamp = _now()
    for event in events:
        component = event_component(
            event, bookkeeping=bookkeeping.get(event.translation_key), stamp=stamp
        )
        if cancel:
            component.add("organizer", organizer_address())
        calendar.add_component(component)
    _add_timezones(calendar, events)
    return calendar.to_ical()


def calendar_response(
    events: Iterable, *, name: str, filename: str, cancel: bool = False
) -> HttpResponse:
    response = HttpResponse(
        calendar_bytes(events, name=name, cancel=cancel),
        content_type="text/calendar; charset=utf-8",
    )
    # RFC 6266's filename* for a Unicode slug: a plain header with it would be
    # MIME-encoded whole by Django, which no browser reads.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


# --- iTIP for one guest -----------------------------------------------------------
PARTSTAT = {"confirmed": "ACCEPTED", "waitlisted": "TENTATIVE", "cancelled": "DECLINED"}


def organizer_address() -> vCalAddress:
    from cms.mail.sender import from_address

    name, address = parseaddr(from_address())
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(ical_text(name or settings.WAGTAIL_SITE_NAME))
    return organizer


def guest_calendar_bytes(event, *, rsvp, method: str) -> bytes:
    """The iTIP object for one guest: REQUEST (their copy of the event, with the
    private address when confirmed) or CANCEL (the event, or their place, is gone)."""
    confirmed = rsvp.status == "confirmed"
    cancel = method == "CANCEL"
    calendar = _calendar(method, [event])
    component = event_component(
        event,
        bookkeeping=_guest_bookkeeping(event, rsvp),
        location=event.location_text(
            include_hidden=confirmed and not cancel, for_calendars=True
        ),
        cancelled=True if cancel else None,
        # The page as the guest reads it (/es/... for an untranslated event), as the
        # links of the e-mail it comes with.
        url=localized_url(event, rsvp.language),
    )
    component.add("organizer", organizer_address())
    attendee = vCalAddress(f"mailto:{rsvp.email}")
    attendee.params["partstat"] = vText(PARTSTAT.get(rsvp.status, "NEEDS-ACTION"))
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    # Nothing to answer: the guest manages their RSVP with the link in the e-mail.
    attendee.params["rsvp"] = vText("FALSE")
    component.add("attendee", attendee)
    calendar.add_component(component)
    _add_timezones(calendar, [event])
    return calendar.to_ical()


def _guest_bookkeeping(event, rsvp) -> tuple | None:
    """The event's SEQUENCE (and dates), raised by one for each time this guest
    cancelled their RSVP: their METHOD:CANCEL must outrank the invitation they hold
    (RFC 5546 2.1.4), or a calendar app keeps the event, and an invitation after they
    came back must not be older than that CANCEL. The event itself did not change, so
    its shared SEQUENCE (feeds, other guests, partners' webhooks) stays."""
    from events.models import GuestMessage

    bookkeeping = shared_bookkeeping([event]).get(event.translation_key)
    if bookkeeping is None or rsvp.pk is None:
        return bookkeeping
    cancelled = GuestMessage.objects.filter(
        rsvp_id=rsvp.pk, kind=GuestMessage.Kind.RSVP_CANCELLED
    ).count()
    sequence, *dates = bookkeeping
    return (sequence + cancelled, *dates)


def itip_attachment(event, *, rsvp, method: str) -> MIMEText:
    """A text/calendar part with ``method=`` in its content type (RFC 6047 2.4)."""
    part = MIMEText(
        guest_calendar_bytes(event, rsvp=rsvp, method=method).decode(),
        "calendar",
        "utf-8",
    )
    part.set_param("method", method)
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part
