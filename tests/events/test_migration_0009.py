"""Numbering the places' changes (events migration 0009) both ways, on either
database: the triggers count and number, the claim (PostgreSQL: a new function with
two more columns) answers, and going back restores the former count and claim."""

import pytest

from events.models import EventPlaces
from events.services import record_rsvp
from tests.factories import build_event
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("events", "0008_rsvp_column_names")
AFTER = ("events", "0009_places_changes")


def test_back_to_0008_and_forward_again_counts_and_claims(home_page):
    event = build_event(rsvp_mode="internal", capacity=5)
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="es")
    try:
        executor = migrate(BEFORE)
        apps = executor.loader.project_state([BEFORE]).apps
        Rsvp = apps.get_model("events", "Rsvp")
        Places = apps.get_model("events", "EventPlaces")
        Rsvp.objects.create(
            event_id=event.pk,
            name=b"",
            email=b"",
            email_hash="bo",
            language="es",
            status="confirmed",
        )
        assert Places.objects.get(event_id=event.pk).confirmed == 2, "0006's count"
        migrate(AFTER)
    finally:
        migrate_to_latest()
    before = EventPlaces.objects.get(event_id=event.pk)
    assert before.confirmed == 2
    record_rsvp(event_id=event.pk, name="Cy", email="cy@example.org", language="es")
    after = EventPlaces.objects.get(event_id=event.pk)
    assert (after.confirmed, after.changes) == (3, before.changes + 1)
