"""Two people erasing themselves at once, each with places at the same two events,
RSVPed in opposite orders: the erasures lock the events' places rows in one order
(event id), so neither can hold one row while waiting for the other's (PostgreSQL
aborts one of two such transactions with a deadlock error)."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from events.models import Rsvp
from subscribers.services import erase_subscriber
from tests.events.guests import guest_event
from tests.factories import make_subscriber

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def other_session():
    """A second PostgreSQL session, outside Django, on the test database."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=False)


def wait_until_blocked(session, seconds: float = 10.0) -> bool:
    """True once another backend waits for a row lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        session.commit()
        time.sleep(0.02)
    return False


def test_an_erasure_takes_the_places_rows_in_event_order(home_page, monkeypatch):
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)
    monkeypatch.setattr("events.rsvps.purge_places", lambda *a, **k: None)
    from events.services import record_rsvp

    first, second = guest_event(capacity=5), guest_event(capacity=5)
    assert first.pk < second.pk
    # Bo RSVPs to the later event first: his RSVP ids run against the event order.
    for event in (second, first):
        record_rsvp(event_id=event.pk, name="Bo", email="bo@example.org", language="en")
    bo = make_subscriber("bo@example.org")
    assert list(
        Rsvp.objects.filter(status="confirmed").order_by("pk").values_list("event_id")
    ) == [(second.pk,), (first.pk,)]

    holder, watcher = other_session(), other_session()
    outcome = {}
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM events_eventplaces WHERE event_id = %s FOR UPDATE",
                [first.pk],
            )

        def erase():
            try:
                outcome["erased"] = erase_subscriber(subscriber_id=bo.pk)
            except Exception as error:  # noqa: BLE001 - reported by the test
                outcome["error"] = error
            finally:
                connection.close()

        eraser = threading.Thread(target=erase)
        eraser.start()
        assert wait_until_blocked(watcher), "the erasure never waited for the lock"
        # While it waits for the first event's row, it holds no other: the second
        # event's row is free (without the ordering, its first delete took it).
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM events_eventplaces WHERE event_id = %s "
                "FOR UPDATE NOWAIT",
                [second.pk],
            )
        watcher.rollback()
        holder.rollback()
        eraser.join(timeout=30)
    finally:
        holder.close()
        watcher.close()
    assert outcome == {"erased": True}
    assert not Rsvp.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT confirmed FROM events_eventplaces ORDER BY event_id")
        assert cursor.fetchall() == [(0,), (0,)]
