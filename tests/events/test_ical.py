"""iCalendar output parses with the icalendar library and round-trips UID, SEQUENCE, STATUS."""

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.cms.test_settings import ROOT, bare_env
from tests.factories import build_event, build_event_index, translate_page
from tests.languages import LANGUAGES

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


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("/es/events/feed/", "/es"),
        ("/ar/events/feed/rally/", "/ar"),
        ("/pl/events/{slug}/ical/", "/pl"),
        ("/events/feed/", ""),
    ],
)
def test_calendars_under_a_language_prefix_link_the_event_under_it(
    client, home_page, path, prefix
):
    """They linked the English URL of an untranslated event, where the Google and
    Outlook links beside them (and guests' invitations) keep the reader's prefix."""
    from django.conf import settings

    from cms.languages import localized_url

    index = build_event_index()
    for language in ("es", "ar", "pl"):
        translate_page(index, language, title=f"Events ({language})")
    event = build_event(
        index,
        title="DST spring rally",
        kind="rally",
        description="<p>Bring a sign.</p>",
    )

    (component,) = vevents(parse(client.get(path.format(slug=event.slug))))

    link = f"{settings.WAGTAILADMIN_BASE_URL}{prefix}/events/{event.slug}/"
    assert str(component["URL"]) == link
    assert str(component["DESCRIPTION"]) == f"Bring a sign.\n\n{link}"
    language = prefix.strip("/") or "en"
    assert link.endswith(localized_url(event, language)), "as the calendar links"


# --- issue 16: every .ics parses with two readers, one SEQUENCE per UID ----------


def translated_site(home_page):
    """An event index and two events, each in every language."""
    from tests.events.guests import guest_event

    index = build_event_index()
    index_titles = {
        "es": "Eventos",
        "hi": "कार्यक्रम",
        "zh-hans": "活动",
        "ar": "الفعاليات",
        "pl": "Wydarzenia",
    }
    for language in LANGUAGES[1:]:
        # A language added since has no title here: the index's English one, marked.
        title = index_titles.get(language, f"Events ({language})")
        translate_page(index, language, title=title)
    kyr = guest_event()  # es and ar already
    rally = build_event(index, title="Rally, march; vigil", kind="rally")
    for event in (kyr, rally):
        for language in LANGUAGES[1:]:
            translate_page(event, language, title=f"{event.title} ({language})")
    return index, kyr, rally


def every_calendar(client, index, events) -> list[tuple[str, bytes]]:
    """(url, body) of every feed and per-event .ics the site serves, in every language."""
    from events.kinds import EventKind

    bodies = []
    for page in index.get_translations(inclusive=True).live():
        urls = [page.url + "feed/"] + [
            f"{page.url}feed/{kind}/" for kind in EventKind.values
        ]
        for url in urls:
            bodies.append((url, parse_ok(client.get(url))))
    for event in events:
        for page in event.get_translations(inclusive=True).live():
            url = page.url + "ical/"
            bodies.append((url, parse_ok(client.get(url))))
    return bodies


def parse_ok(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def sequences_by_uid(bodies) -> dict[str, set[int]]:
    """{UID: the SEQUENCE values seen} over (label, .ics) pairs, each read by both
    parsers."""
    from tests.events.guests import parse_both

    seen: dict[str, set[int]] = {}
    for _label, body in bodies:
        for component in parse_both(body).walk("VEVENT"):
            seen.setdefault(str(component["UID"]), set()).add(
                int(component["SEQUENCE"])
            )
    return seen


def test_every_calendar_in_every_language_parses_and_shares_one_sequence(
    client, home_page, run_on_commit
):
    from django.core import mail

    from events.guest_mail import CONFIRMATION, build_guest_email, send_guest_messages
    from tests.events.guests import parse_both, parse_email, publish, rsvp, sent_emails

    index, kyr, rally = translated_site(home_page)
    assert {
        p.locale.language_code for p in index.get_translations(inclusive=True)
    } == set(LANGUAGES)
    spanish = kyr.get_translations().get(locale__language_code="es").specific
    guest = rsvp(kyr, "Ana", "ana@example.org", "zh-hans")
    with run_on_commit():
        publish(spanish, title="Sesión: conozca sus derechos")  # a translation's edit
        publish(
            kyr, start=kyr.start + timedelta(hours=1), end=kyr.end + timedelta(hours=1)
        )
    confirmation = parse_email(
        build_guest_email(rsvp=guest, kind=CONFIRMATION).message().as_bytes()
    )
    before_update = every_calendar(client, index, [kyr, rally])
    send_guest_messages()
    mail.outbox.clear()
    with run_on_commit():
        publish(kyr, venue="Casa Michoacán")
    send_guest_messages()
    (update,) = sent_emails()
    after_update = every_calendar(client, index, [kyr, rally])
    assert len(after_update) == len(LANGUAGES) * (9 + 2), (
        "each language: 9 feeds, 2 events"
    )

    assert sequences_by_uid(before_update + confirmation.calendars) == {
        kyr.ical_uid: {1},
        rally.ical_uid: {0},
    }, "one SEQUENCE per UID, whatever the language or the door"
    assert sequences_by_uid(after_update + update.calendars) == {
        kyr.ical_uid: {2},
        rally.ical_uid: {0},
    }
    assert (
        parse_both(update.calendars[0][1])
        .walk("VEVENT")[0]["SUMMARY"]
        .startswith("Know Your Rights session (zh-hans)")
    )


def test_text_is_plain_and_escaped_once(client, home_page):
    import vobject

    index = build_event_index()
    translate_page(index, "es", title="Eventos, marchas; vigilias")
    event = build_event(
        index,
        title="Rally, march; vigil",
        venue="Plaza; north side, by the fountain",
        description=(
            "<p>The morning&#x27;s rally &amp; march.</p>"
            '<p>Read <a href="https://example.org/rights">your rights</a>.</p>'
        ),
    )
    translate_page(event, "es", title="Marcha, vigilia; rally")
    index.refresh_from_db()

    for url in (index.url + "feed/", "/es" + index.url + "feed/", event.url + "ical/"):
        raw = client.get(url).content.decode()
        assert "&#x27" not in raw
        assert "&amp;" not in raw
        assert "&#" not in raw
        calendar = vobject.readOne(raw)
        for component in calendar.vevent_list:
            if component.uid.value != event.ical_uid:
                continue
            description = component.description.value
            assert "The morning's rally & march." in description
            assert "your rights (https://example.org/rights)" in description
            assert component.location.value == "Plaza; north side, by the fountain"
    spanish_feed = client.get("/es" + index.url + "feed/").content.decode()
    assert "X-WR-CALNAME:Eventos\\, marchas\\; vigilias" in spanish_feed
    assert (
        vobject.readOne(spanish_feed).x_wr_calname.value == "Eventos, marchas; vigilias"
    )
    assert "SUMMARY:Marcha\\, vigilia\\; rally" in spanish_feed
    kind_feed = client.get(index.url + "feed/rally/").content.decode()
    assert vobject.readOne(kind_feed).x_wr_calname.value == "Events: Rally"


def test_dtstamp_is_now_and_last_modified_the_last_change(client, home_page):
    from datetime import UTC, datetime

    event = build_event(title="Lobby day")
    before = datetime.now(UTC).replace(microsecond=0)
    (component,) = vevents(parse(client.get(event.url + "ical/")))
    event.refresh_from_db()
    assert component.decoded("DTSTAMP") >= before
    # Never before CREATED: the page is saved a moment before it is first published.
    changed = max(event.ical_changed_at, event.first_published_at)
    assert component.decoded("LAST-MODIFIED") == changed.replace(microsecond=0)
    assert component.decoded("CREATED") <= component.decoded("DTSTAMP")


def test_an_old_translation_revision_cannot_bring_back_the_old_time(client, home_page):
    event = build_event(title="Lobby day")
    spanish = translate_page(event, "es", title="Día de cabildeo")
    stale = spanish.latest_revision
    publish(
        event, start=event.start + timedelta(days=1), end=event.end + timedelta(days=1)
    )
    stale.publish()  # e.g. a translation edited from an old snapshot
    spanish.refresh_from_db()
    assert spanish.start == event.start
    english = vevents(parse(client.get(event.url + "ical/")))[0]
    translated = vevents(parse(client.get(spanish.url + "ical/")))[0]
    assert english.decoded("DTSTART") == translated.decoded("DTSTART")
    assert int(english["SEQUENCE"]) == int(translated["SEQUENCE"]) == 1


def test_the_product_identifier_names_this_deployments_office(
    client, home_page, settings, tmp_path
):
    """Houston's calendar files said they came from '-//Office of New Americans//',
    Chicago's office: PRODID follows SITE_NAME, or ICAL_PRODID when set."""
    start = datetime(2027, 2, 1, 16, 30, tzinfo=CHICAGO)
    event = build_event(title="Lobby day", start=start, end=start + timedelta(hours=1))
    calendar = parse(client.get(event.url + "ical/"))
    assert str(calendar["PRODID"]) == "-//Office of New Americans//Events//EN"

    settings.ICAL_PRODID = "-//City of Houston//Welcoming Houston//EN"
    for url in (event.url + "ical/", event.get_parent().url + "feed/"):
        assert str(parse(client.get(url))["PRODID"]) == settings.ICAL_PRODID, url

    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.ICAL_PRODID)",
        ],
        cwd=ROOT,
        env=bare_env(
            DJANGO_SETTINGS_MODULE="cms.settings.dev",
            VAR_DIR=str(tmp_path),
            SITE_NAME="Houston Office of New Americans",
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.splitlines()[-1] == (
        "-//Houston Office of New Americans//Events//EN"
    )
