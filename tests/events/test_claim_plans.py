"""The RSVP claim (events_claim_rsvp) reads one row per question, not every RSVP of
the event: its plans, as PostgreSQL runs them, use the indexes made for them (events
migration 0007).

PL/pgSQL plans the function's statements once per connection, and the plans chosen
while an event has few RSVPs stay for the whole rally. With a lone ``event_id`` index
they looked the address up, and asked whether anyone waits, by reading all the event's
RSVPs: each RSVP cost more than the one before. auto_explain reports each statement's
plan to this connection as it runs (PostgreSQL's own contrib module)."""

import re

import pytest
from django.db import connection

from events.services import record_rsvp
from tests.events.guests import guest_event

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def claim_plans(event, count: int) -> list[str]:
    """The plans of the statements inside the claim, for ``count`` RSVPs made on one
    connection (past the five after which PostgreSQL may keep a generic plan)."""
    plans = []

    def keep(diagnostic):
        message = diagnostic.message_primary or ""
        if "plan:" in message and "events_rsvp r" in message:
            plans.append(message)

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        # SET in the test's transaction: rolled back with it.
        cursor.execute("SET auto_explain.log_min_duration = 0")
        cursor.execute("SET auto_explain.log_nested_statements = on")
        cursor.execute("SET client_min_messages = log")
    connection.connection.add_notice_handler(keep)
    try:
        for n in range(count):
            record_rsvp(
                event_id=event.pk,
                name=f"Guest {n}",
                email=f"guest{n}@example.org",
                language="en",
            )
    finally:
        connection.connection.remove_notice_handler(keep)
    return plans


def index_of(plan: str) -> str:
    return re.search(r"Index (?:Only )?Scan using (\S+) on events_rsvp", plan)[1]


def test_the_claim_reads_the_address_and_the_waitlist_by_their_own_indexes(
    home_page,
):
    event = guest_event(capacity=1000, waitlist=True)
    plans = claim_plans(event, count=8)

    lookups = [plan for plan in plans if "r.email_hash = p_email_hash" in plan]
    waiting = [plan for plan in plans if "r.status = 'waitlisted'" in plan]
    assert len(lookups) == len(waiting) == 8
    assert {index_of(plan) for plan in lookups} == {"one_rsvp_per_person_per_event"}
    assert {index_of(plan) for plan in waiting} == {"rsvp_waitlist"}
    # Every condition is the index's own: no RSVP is read only to be filtered out.
    assert not [plan for plan in lookups + waiting if "Filter:" in plan]
