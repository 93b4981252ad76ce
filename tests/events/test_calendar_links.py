"""Calendar links: webcal:// for every feed, Google Calendar and Outlook.com for every
event, on pages and in e-mails; the private address only in a confirmed guest's own."""

from datetime import datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from events.calendar_links import event_links, webcal
from events.guest_mail import CONFIRMATION, build_guest_email
from events.kinds import EventKind
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp
from tests.factories import build_event, build_event_index, translate_page

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def links_in(html: str) -> list[str]:
    import re

    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_webcal_keeps_host_and_path():
    assert webcal("https://ona.example.org/es/events/feed/") == (
        "webcal://ona.example.org/es/events/feed/"
    )


def test_every_feed_has_webcal_google_and_outlook_links(home_page, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://ona.example.org"
    index = build_event_index()
    translate_page(index, "es", title="Eventos")
    for prefix in ("", "/es"):
        html = Client().get(f"{prefix}/events/").content.decode()
        hrefs = links_in(html)
        feed = f"webcal://ona.example.org{prefix}/events/feed/"
        assert feed in hrefs
        for kind in EventKind.values:
            assert f"webcal://ona.example.org{prefix}/events/feed/{kind}/" in hrefs
        google = next(h for h in hrefs if h.startswith("https://calendar.google.com"))
        assert query(google) == {"cid": feed}
        outlook = next(h for h in hrefs if "addfromweb" in h)
        assert query(outlook)["url"] == f"https://ona.example.org{prefix}/events/feed/"


def test_event_page_links_carry_the_public_facts(home_page):
    start = datetime(2027, 2, 1, 16, 30, tzinfo=CHICAGO)
    event = guest_event(start=start, end=start.replace(hour=18))
    html = Client().get(event.url).content.decode()
    google = next(h for h in links_in(html) if h.startswith("https://calendar.google"))
    outlook = next(h for h in links_in(html) if h.startswith("https://outlook.live"))

    values = query(google)
    assert values["action"] == "TEMPLATE"
    assert values["text"] == "Know Your Rights session"
    assert values["dates"] == "20270201T223000Z/20270202T003000Z"
    assert values["ctz"] == "America/Chicago"
    assert values["location"].startswith("A community hall in Pilsen")
    assert "the morning's session is free." in values["details"]
    assert query(outlook)["startdt"] == "2027-02-01T22:30:00Z"
    assert query(outlook)["subject"] == "Know Your Rights session"
    for link in (google, outlook):
        assert PRIVATE_ADDRESS not in link
        assert "1 Example St" not in unescape(link)
    assert PRIVATE_ADDRESS not in html


def test_a_cancelled_event_offers_no_new_calendar_entry(home_page):
    event = guest_event(cancelled=True)
    html = Client().get(event.url).content.decode()
    assert "calendar.google.com" not in html
    assert f"{event.url}ical/" in html, "the .ics still carries the cancellation"
    assert "Remove it from my calendar (.ics)" in html


def test_guest_emails_link_the_private_address_for_confirmed_guests_only(
    home_page, sender_queued
):
    event = guest_event(capacity=1)
    confirmed = rsvp(event, "Ana", "ana@example.org", "es")
    waitlisted = rsvp(event, "Bo", "bo@example.org", "en")

    for guest, private in ((confirmed, True), (waitlisted, False)):
        email = build_guest_email(rsvp=guest, kind=CONFIRMATION)
        html = email.alternatives[0][0]
        google = next(h for h in links_in(html) if "calendar.google" in h)
        outlook = next(h for h in links_in(html) if "outlook.live" in h)
        assert (PRIVATE_ADDRESS in query(google)["location"]) is private
        assert (PRIVATE_ADDRESS in query(outlook)["location"]) is private
        assert google in email.body, "the text part has the same link"


def test_the_alert_email_links_google_and_outlook_without_a_hidden_address(home_page):
    from cms.email.rendering import render_email
    from cms.models import AlertPage
    from tests.factories import build_bulletin_index

    event = guest_event()
    index = build_bulletin_index(home_page)
    alert = AlertPage(
        title="Know your rights tonight", message="<p>Come.</p>", event=event
    )
    index.add_child(instance=alert)
    alert.save_revision().publish()

    rendered = render_email(alert, language="en")
    google = next(h for h in links_in(rendered.html) if "calendar.google" in h)
    assert query(google)["text"] == "Know Your Rights session"
    # Worded as the HTML: "Add to calendar (Google · Outlook.com)".
    assert "(Google [" in rendered.text
    assert "] · Outlook.com [" in rendered.text
    assert PRIVATE_ADDRESS not in rendered.html + rendered.text
    assert event_links(event)["google"] == google


def test_a_bulletins_event_listing_links_each_event_to_google_and_outlook(home_page):
    from cms.email.rendering import render_email
    from tests.factories import build_bulletin

    event = guest_event()
    bulletin = build_bulletin(
        title="Weekly update",
        body=[
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 3},
            )
        ],
    )
    rendered = render_email(bulletin, language="es")
    google = next(h for h in links_in(rendered.html) if "calendar.google" in h)
    assert query(google)["text"] == "Sesión Conozca sus derechos"
    # Worded as the HTML card, in Spanish: "Añadir al calendario: Google · Outlook.com".
    with translation.override("es"):
        add = translation.gettext("Add to calendar")
    assert f"{add}: Google [" in rendered.text
    assert "] · Outlook.com [" in rendered.text
    assert PRIVATE_ADDRESS not in rendered.html + rendered.text


@pytest.mark.parametrize("language", ["es", "pl"])
def test_an_untranslated_event_s_calendar_links_carry_the_reader_s_url(
    home_page, language
):
    from cms.email.rendering import render_email
    from tests.factories import build_bulletin

    event = build_event(
        title="Lobby day in Springfield",
        description="<p>Bring water.</p>",
        rsvp_mode="internal",
    )
    bulletin = build_bulletin(
        body=[
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 3},
            )
        ],
    )
    html = render_email(bulletin, language=language).html
    (visible,) = [href for href in links_in(html) if href.endswith(event.slug + "/")]
    assert f"/{language}/" in visible
    google = next(h for h in links_in(html) if "calendar.google" in h)
    outlook = next(h for h in links_in(html) if "outlook.live" in h)
    assert query(google)["details"] == f"Bring water.\n\n{visible}"
    assert query(outlook)["body"] == f"Bring water.\n\n{visible}"


def test_a_guests_calendar_attachment_links_the_page_they_read(home_page):
    """An untranslated event's invitation sent to a Spanish guest links /es/..., the
    page the e-mail's own links point at, not the English one."""
    from email import message_from_bytes

    from icalendar import Calendar

    event = build_event(title="Lobby day in Springfield", rsvp_mode="internal")
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    message = message_from_bytes(
        build_guest_email(rsvp=ana, kind=CONFIRMATION).message().as_bytes()
    )
    (invite,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (vevent,) = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")
    assert urlsplit(str(vevent["url"])).path == f"/es/events/{event.slug}/"
    assert str(vevent["description"]).endswith(f"/es/events/{event.slug}/")


def test_calendar_locations_use_a_plain_comma_in_every_language(home_page):
    """The page shows the reader's comma (Arabic "،"); a calendar's location is looked
    up on maps, so it keeps a plain one."""
    from django.utils import translation

    event = build_event(venue="Daley Plaza", address="50 W Washington St")
    with translation.override("ar"):
        assert "،" in event.location_text()
        links = event_links(event)
    where = "Daley Plaza, 50 W Washington St, Chicago"
    assert query(links["google"])["location"] == where
    assert query(links["outlook"])["location"] == where


def test_calendar_locations_name_the_city_as_the_map_link_does(home_page, settings):
    """A phone's calendar looks the location up on its maps: "Daley Plaza, 50 W
    Washington St" was found in whichever town the phone was in. The city is added
    as the map link adds it (MAP_SEARCH_CITY), and a suburb's address keeps its own."""
    from events.ical import event_component

    settings.MAP_SEARCH_CITY = "Chicago"
    cases = {
        "50 W Washington St": "Daley Plaza, 50 W Washington St, Chicago",
        "1930 Beach St, Broadview, IL": "Daley Plaza, 1930 Beach St, Broadview, IL",
        "121 N LaSalle St, Chicago, IL 60602": (
            "Daley Plaza, 121 N LaSalle St, Chicago, IL 60602"
        ),
    }
    for address, where in cases.items():
        event = build_event(venue="Daley Plaza", address=address)
        assert query(event_links(event)["google"])["location"] == where
        assert str(event_component(event)["LOCATION"]) == where
    settings.MAP_SEARCH_CITY = ""
    event = build_event(venue="Daley Plaza", address="50 W Washington St")
    assert event.location_text(for_calendars=True) == "Daley Plaza, 50 W Washington St"


def test_the_map_link_names_the_city_once(home_page):
    typed_without = build_event(address="50 W Washington St")
    typed_with = build_event(
        title="Rally at Daley Plaza", address="50 W Washington St, Chicago, IL 60602"
    )
    assert query(typed_without.map_url)["query"] == "50 W Washington St, Chicago"
    assert query(typed_with.map_url)["query"] == "50 W Washington St, Chicago, IL 60602"


def test_the_map_link_of_a_suburb_names_only_the_suburb(home_page):
    """A vigil at the Broadview processing center: "Chicago" added to an address
    that names its own town sent every reader's map search nowhere; a street named
    after the city, or a suite after a comma, still gets the city."""
    broadview = build_event(
        title="Vigil at Broadview", address="1930 Beach St, Broadview, IL"
    )
    evanston = build_event(title="Evanston rally", address="1 Main St, Evanston")
    chicago_ave = build_event(title="Rally on Chicago Ave", address="800 W Chicago Ave")
    suite = build_event(title="Clinic", address="230 S Dearborn St, Suite 200")
    assert query(broadview.map_url)["query"] == "1930 Beach St, Broadview, IL"
    assert query(evanston.map_url)["query"] == "1 Main St, Evanston"
    assert query(chicago_ave.map_url)["query"] == "800 W Chicago Ave, Chicago"
    assert query(suite.map_url)["query"] == "230 S Dearborn St, Suite 200, Chicago"


def test_the_listing_names_google_as_every_other_calendar_row_does(home_page):
    """The listing's subscribe row said "Google Calendar", in English, in every language,
    where the rows by kind, event pages and e-mails say "Google" (a brand, no words)."""
    index = build_event_index()
    translate_page(index, "zh-hans", title="活动")
    for prefix in ("", "/zh-hans"):
        html = Client().get(f"{prefix}/events/").content.decode()
        assert "Google Calendar" not in html, prefix
        assert 'rel="noopener">Google</a>' in html, prefix
