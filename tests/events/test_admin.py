"""Staff see the RSVPs of an event in the admin, read-only."""

import io
import re

import pytest
from django.urls import reverse

from events.models import EventPage
from events.services import record_rsvp
from tests.factories import SuperuserFactory, build_event, staff_member

pytestmark = pytest.mark.django_db


def test_staff_see_rsvps_and_cannot_add_or_edit(client, home_page):
    event = build_event(
        title="Know Your Rights session", rsvp_mode="internal", capacity=1
    )
    first = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language="es"
    )
    record_rsvp(event_id=event.pk, name="Luis", email="luis@example.org", language="es")
    client.force_login(SuperuserFactory())

    listing = client.get(reverse("rsvps:index"))
    inspect = client.get(reverse("rsvps:inspect", args=[first.pk]))

    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Ana" in body
    assert "Luis" in body
    assert "on the waitlist" in body
    assert inspect.status_code == 200
    assert "ana@example.org" in inspect.content.decode()
    assert client.get(reverse("rsvps:add")).status_code in (302, 403)
    assert client.get(reverse("rsvps:edit", args=[first.pk])).status_code in (302, 403)


def test_outsiders_cannot_see_rsvps(client, home_page):
    assert client.get(reverse("rsvps:index")).status_code == 302


def test_event_editor_names_the_time_zone_of_start_and_end(client, home_page):
    """Wagtail reads the times in the editor's account time zone; the help says which."""
    from wagtail.users.models import UserProfile

    event = build_event(title="Vigil")
    user = SuperuserFactory()
    client.force_login(user)
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])
    page = client.get(edit).content.decode()
    assert page.count("Time zone: America/Chicago") == 2, "under start and end"
    # Two sentences: it read "Time zone: America/Chicago Publishing a change here...".
    assert (
        page.count(
            "Time zone: America/Chicago. Publishing a change here e-mails every guest"
        )
        == 2
    )

    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "Europe/Warsaw"
    profile.save()
    assert "Time zone: Europe/Warsaw" in client.get(edit).content.decode()

    # In Chinese: the full-width full stop, and no space after it.
    profile.preferred_language = "zh-hans"
    profile.save()
    assert "时区：Europe/Warsaw。在此发布更改" in client.get(edit).content.decode()


@pytest.mark.parametrize(
    ("language", "event", "created_at"),
    [("es", "Evento", "Creado el"), ("ar", "فعالية", "وقت الإنشاء")],
)
def test_rsvp_columns_are_in_the_staff_members_language(
    client, home_page, language, event, created_at
):
    import re

    vigil = build_event(title="Vigil", rsvp_mode="internal")
    record_rsvp(event_id=vigil.pk, name="Ana", email="ana@example.org", language="es")
    user = staff_member(language)
    client.force_login(user)

    html = client.get(reverse("rsvps:index")).content.decode()
    headers = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    ]
    assert event in headers
    assert created_at in headers
    assert "Event" not in headers
    assert "Created at" not in headers


@pytest.mark.parametrize("field", ["start", "end"])
def test_the_event_editor_wants_a_time_not_only_a_date(home_page, field):
    """A date typed without its time would be read as midnight, without a word."""
    event = build_event(title="Vigil")
    form_class = EventPage.get_edit_handler().get_form_class()

    def errors(start: str, end: str) -> dict:
        form = form_class(
            {"title": "Vigil", "slug": event.slug, "start": start, "end": end},
            instance=event,
            for_user=SuperuserFactory(),
            parent_page=event.get_parent(),
        )
        form.is_valid()
        return form.errors

    dates = {"start": "2030-12-10 18:00", "end": "2030-12-10 20:00"}
    half_typed = errors(**{**dates, field: dates[field].split()[0]})
    assert half_typed[field] == ["Give the time as well as the date."]
    whole = errors(**dates)
    assert "start" not in whole
    assert "end" not in whole
    midnight = errors(**{**dates, "start": "2030-12-10 00:00"})
    assert "start" not in midnight, "midnight typed as such is a time"


def test_the_event_editor_uses_the_phones_own_date_and_time_picker(client, home_page):
    """Wagtail's picker opened off a phone's screen (no Sundays, no previous month)
    and listed whole hours: the browser's picker shows and sends any minute, in the
    time zone the help names."""
    import re
    from datetime import datetime

    from cms.local_time import city_zone

    start = datetime(2030, 12, 8, 18, 30, tzinfo=city_zone())
    event = build_event(title="Sunday vigil", start=start)
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])
    html = client.get(edit).content.decode()

    inputs = {
        name: re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        for name in ("start", "end")
    }
    for tag in inputs.values():
        assert 'type="datetime-local"' in tag
    assert 'value="2030-12-08T18:30"' in inputs["start"]
    assert 'value="2030-12-08T20:30"' in inputs["end"]

    form_class = EventPage.get_edit_handler().get_form_class()

    def submitted(start: str, end: str):
        form = form_class(
            {"title": event.title, "slug": event.slug, "start": start, "end": end},
            instance=event,
            for_user=SuperuserFactory(),
            parent_page=event.get_parent(),
        )
        form.is_valid()
        return form

    same = submitted("2030-12-08T18:30", "2030-12-08T20:30")
    assert "start" not in same.errors
    assert "end" not in same.errors
    assert same.cleaned_data["start"] == start, "what was shown comes back unchanged"
    # 2:30 on the night the clocks go forward does not exist in Chicago: refused with
    # Django's message, as with Wagtail's picker.
    spring = submitted("2027-03-14T02:30", "2027-03-14T04:00")
    assert "couldn’t be interpreted in time zone America/Chicago" in str(
        spring.errors["start"]
    )


def test_rsvp_times_say_their_time_zone(client, home_page):
    """The list and an RSVP's page showed "Dec. 5, 2026, 1:24 p.m.": in the account's
    time zone, which may not be the city's, without saying which; an RSVP never
    cancelled read "None"."""
    from wagtail.users.models import UserProfile

    from events import rsvps

    vigil = build_event(title="Vigil", rsvp_mode="internal")
    ana = record_rsvp(
        event_id=vigil.pk, name="Ana", email="ana@example.org", language="es"
    )
    rsvps.set_checked_in(event_id=vigil.pk, rsvp_id=ana.pk, present=True)
    user = SuperuserFactory()
    client.force_login(user)

    def cells(url):
        html = client.get(url).content.decode()
        return [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<(?:td|dd)[^>]*>(.*?)</(?:td|dd)>", html, re.S)
        ]

    # Django's "P" says "3 p.m." on the hour, and "noon", "midnight".
    clock = r"(?:\d(?::\d\d)? [ap]\.m\.|noon|midnight)"
    listing = cells(reverse("rsvps:index"))
    inspect = cells(reverse("rsvps:inspect", args=[ana.pk]))
    zoned = [cell for cell in listing if re.search(clock + r" C[SD]T$", cell)]
    assert len(zoned) == 2, listing  # created, checked in
    assert len([c for c in inspect if re.search(clock + r" C[SD]T$", c)]) == 2
    assert "None" not in inspect
    assert "-" in inspect, "not cancelled"

    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "Europe/Warsaw"
    profile.save()
    listing = cells(reverse("rsvps:index"))
    assert len([c for c in listing if re.search(clock + r" CES?T$", c)]) == 2, listing


def test_rsvp_exports_are_in_the_citys_time(client, home_page):
    """The RSVP list said "4:08 p.m. CST"; its CSV said "22:08:17.082995+00:00" and
    its XLSX a bare 22:08, so an organizer counting the evening's RSVPs read them
    six hours late."""
    from datetime import UTC, datetime

    import openpyxl

    from events.models import Rsvp

    vigil = build_event(title="Vigil", rsvp_mode="internal")
    ana = record_rsvp(
        event_id=vigil.pk, name="Ana", email="ana@example.org", language="es"
    )
    Rsvp.objects.filter(pk=ana.pk).update(
        created_at=datetime(2026, 12, 5, 22, 8, 17, 82995, tzinfo=UTC)
    )
    client.force_login(SuperuserFactory())

    rows = client.get(reverse("rsvps:index"), {"export": "csv"})
    body = b"".join(rows.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfEvent,"), "a byte-order mark, for Excel"
    heading, row = body.decode("utf-8-sig").splitlines()[:2]
    assert heading.endswith("Created at (Chicago time)")
    assert row.endswith(",2026-12-05 16:08 CST")

    book = client.get(reverse("rsvps:index"), {"export": "xlsx"})
    content = b"".join(book.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    heading, row = list(sheet.iter_rows(values_only=True))[:2]
    assert heading[-1] == "Created at (Chicago time)"
    assert row[-1] == datetime(2026, 12, 5, 16, 8, 17)
