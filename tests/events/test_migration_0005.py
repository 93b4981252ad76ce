"""Upgrading to owed confirmations (events migration 0005) keeps every confirmation a
broker outage held back, and adds none: those become owed messages, the ones already
queued (a task is in the broker) and those of cancelled or long-gone RSVPs do not.
Both ways on either database (PostgreSQL: the claim function is swapped too)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import GuestMessage
from events.services import record_rsvp
from tests.factories import build_event
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("events", "0004_rsvp_claim_function")
AFTER = ("events", "0005_confirmation_as_guest_message")


def test_held_back_confirmations_become_owed_messages(home_page):
    event = build_event(rsvp_mode="internal")
    try:
        executor = migrate(BEFORE)
        Rsvp = executor.loader.project_state([BEFORE]).apps.get_model("events", "Rsvp")
        now = timezone.now()

        def old_rsvp(email: str, **fields) -> int:
            created_at = fields.pop("created_at", now)
            row = Rsvp.objects.create(
                event_id=event.pk,
                name=b"",
                email=b"",
                email_hash=email,
                language="es",
                status=fields.pop("status", "confirmed"),
                **fields,
            )
            Rsvp.objects.filter(pk=row.pk).update(created_at=created_at)
            return row.pk

        held_back = old_rsvp("held-back")
        waitlisted = old_rsvp("waitlisted", status="waitlisted", version=3)
        old_rsvp("queued", confirmation_queued_at=now)
        old_rsvp("cancelled", status="cancelled")
        old_rsvp("long-gone", created_at=now - timedelta(days=30))
        migrate(AFTER)
    finally:
        migrate_to_latest()

    owed = set(GuestMessage.objects.values_list("rsvp_id", "kind", "key", "status"))
    assert owed == {
        (held_back, "confirmation", "confirmation:0", "queued"),
        (waitlisted, "confirmation", "confirmation:3", "queued"),
    }


def test_back_to_0004_and_forward_again_the_claim_still_works(home_page):
    event = build_event(rsvp_mode="internal")
    try:
        migrate(BEFORE)
        migrate(AFTER)
    finally:
        migrate_to_latest()
    rsvp = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language="es"
    )
    assert GuestMessage.objects.get().rsvp_id == rsvp.pk
