"""An event's year as an organizer types it in the browser's date picker.

Chromium's picker takes a year typed with two digits as it is: "12/15/26" is
0026-12-15, and the event went out as past (guests were told it had moved to the
year 26). A year 9999 typed as a placeholder answered 500 in the editor, and 9998
was published: then the event's .ics and every calendar feed listing it, in every
language, answered 500 to every subscribed calendar.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventPage
from tests.events.test_guest_notices import edit_form
from tests.factories import SuperuserFactory, build_event

pytestmark = pytest.mark.django_db

YEAR_MESSAGE = "Check the year: give all four digits, between 2000 and 2100."


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0026-12-15 10:00", "0026-12-15 11:00"),  # "26" typed in the picker
        ("0001-01-01 10:00", "0001-01-01 11:00"),
        ("9998-06-01 10:00", "9998-06-01 11:00"),
        ("9999-12-31 23:00", "9999-12-31 23:30"),
        ("2026-12-15 10:00", "9999-12-31 23:30"),  # only the end is off
    ],
)
def test_a_year_no_event_has_is_refused_in_the_editor(client, home_page, start, end):
    event = build_event(title="Vigil", rsvp_mode="internal")
    before = (event.start, event.end)
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])

    answer = client.post(edit, edit_form(event, start=start, end=end))

    assert answer.status_code in (200, 400)  # the editor again, with the error
    body = answer.content.decode()
    assert YEAR_MESSAGE in body
    assert "The end must be after the start." not in body
    event = EventPage.objects.get(pk=event.pk)
    assert (event.start, event.end) == before
    assert not event.has_unpublished_changes
    listing = event.get_parent()
    reader = Client()
    for path in (
        f"{event.url}ical/",
        f"{listing.url}feed/",
        f"{listing.url}feed/other/",
    ):
        assert reader.get(path).status_code == 200, path


def test_the_year_message_is_in_the_staff_members_language(home_page):
    event = build_event(title="Vigil")
    event.start = event.start.replace(year=26)
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.message_dict["start"] == [
        "Sprawdź rok: wpisz wszystkie cztery cyfry, od 2000 do 2100."
    ]


def test_years_this_platform_has_events_in_are_taken(client, home_page):
    """The demo's archive (2017) and a date years ahead still publish."""
    event = build_event(title="Vigil")
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])
    for start, end in [
        ("2017-02-01 16:30", "2017-02-01 18:00"),
        ("2099-12-31 20:00", "2100-01-01 01:00"),
    ]:
        answer = client.post(edit, edit_form(event, start=start, end=end))
        assert answer.status_code == 302, answer.content.decode()[:2000]
        event = EventPage.objects.get(pk=event.pk)
        assert timezone.localtime(event.start).year == int(start[:4])
