"""The guest list export in the staff member's admin language: found by the desk
tester, round 16."""

import pytest
from django.urls import reverse

from events.services import record_rsvp
from tests.factories import build_event, staff_member

pytestmark = pytest.mark.django_db


def test_the_csv_export_is_in_the_admin_language(client, home_page):
    """The Arabic organizer's RSVP export was headed "Event,Name,Status,Language,
    Created at (Chicago time)", while the screen it came from (and the check-in
    attendance export) were in Arabic: Wagtail streams the rows after the view has
    returned, when the admin's language is no longer active. (Its cells keep the
    stored values, "confirmed" and "es", as Wagtail's exports do.)"""
    event = build_event(title="Know Your Rights session", rsvp_mode="internal")
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="es")
    client.force_login(staff_member("ar"))

    screen = client.get(reverse("rsvps:index")).content.decode()
    assert "فعالية" in screen
    assert "مؤكد" in screen

    rows = client.get(reverse("rsvps:index"), {"export": "csv"})
    heading, row = b"".join(rows.streaming_content).decode("utf-8-sig").splitlines()[:2]
    assert "فعالية" in heading, heading
    assert not heading.startswith("Event,")
    assert row.startswith("Know Your Rights session,Ana,"), row
