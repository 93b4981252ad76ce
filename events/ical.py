"""iCalendar (RFC 5545) for one event or a feed of events."""

from collections.abc import Iterable
from datetime import UTC, date

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import strip_tags
from icalendar import Calendar, Event

from cms.email.text import Links


def _absolute(path: str) -> str:
    return Links(settings.WAGTAILADMIN_BASE_URL).absolute(path or "/")


def event_component(event) -> Event:
    """A VEVENT whose UID is shared by all translations and stable across edits."""
    component = Event()
    component.add("uid", event.ical_uid)
    component.add("sequence", event.ical_sequence)
    # DTSTAMP changes with each published change, so clients see a newer copy.
    stamp = event.last_published_at or event.latest_revision_created_at or event.start
    component.add("dtstamp", stamp.astimezone(UTC))
    component.add("dtstart", event.local_start)
    component.add("dtend", event.local_end)
    component.add("summary", event.title)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    location = event.location_text()
    if location:
        component.add("location", location)
    description = " ".join(strip_tags(event.description).split())
    url = _absolute(event.url)
    component.add("description", f"{description}\n\n{url}".strip())
    component.add("url", url)
    component.add("categories", [str(event.kind_label)])
    return component


def calendar_bytes(events: Iterable, *, name: str) -> bytes:
    """A VCALENDAR with the events and the VTIMEZONE their times refer to."""
    calendar = Calendar()
    calendar.add("prodid", "-//Office of New Americans//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    events = list(events)
    for event in events:
        calendar.add_component(event_component(event))
    # VTIMEZONE covering just the years the events span keeps feeds small.
    years = [e.local_start.year for e in events] + [e.local_end.year for e in events]
    if years:
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
        )
    return calendar.to_ical()


def calendar_response(events: Iterable, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        calendar_bytes(events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
