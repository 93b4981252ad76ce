"""Links that put an event or a feed into someone's calendar: webcal:// subscriptions,
"Add to Google Calendar" and Outlook.com.

Absolute URLs start with BASE_URL, as in e-mails. An event's own URL is the one its
reader gets (``localized_url`` in the active language), as the visible link beside it.
A link carries the event's public location unless ``include_hidden`` is asked for,
which only a confirmed guest's own e-mail does.
"""

from datetime import UTC
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings

from cms.email.text import Links
from cms.languages import localized_url
from events.ical import plain_text

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/render"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"
# Google and Outlook cut long links; the event page has the rest.
DETAILS_LIMIT = 800


def absolute(path: str) -> str:
    return Links(settings.WAGTAILADMIN_BASE_URL).absolute(path or "/")


def webcal(url: str) -> str:
    """The webcal:// form of a feed URL, which calendar apps open as a subscription."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def feed_links(path: str, *, name: str) -> dict[str, str]:
    """Subscribe links of one feed: webcal, Google, Outlook.com and the plain file."""
    url = absolute(path)
    return {
        "file": path,
        "webcal": webcal(url),
        "google": f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': webcal(url)})}",
        "outlook": f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': url, 'name': name})}",
    }


def _details(event, url: str) -> str:
    text = plain_text(event.description)
    if len(text) > DETAILS_LIMIT:
        text = text[:DETAILS_LIMIT].rsplit(" ", 1)[0] + " …"
    return f"{text}\n\n{url}".strip()


def event_links(event, *, include_hidden: bool = False) -> dict[str, str]:
    """ "Add to Google Calendar" and Outlook.com links for one event."""
    start = event.start.astimezone(UTC)
    end = event.end.astimezone(UTC)
    location = event.location_text(include_hidden=include_hidden, for_calendars=True)
    url = absolute(localized_url(event))
    details = _details(event, url)
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": location,
        "ctz": settings.TIME_ZONE,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        "body": details,
        "location": location,
    }
    return {
        "google": f"{GOOGLE}?{urlencode(google)}",
        "outlook": f"{OUTLOOK}?{urlencode(outlook)}",
        "ics": url + "ical/",
    }
