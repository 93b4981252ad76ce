"""Many RSVPs to one event at once (PostgreSQL: events_claim_rsvp, one round trip under
the event lock): never more confirmed than the capacity, the waitlist in arrival order,
one row per address, and each new RSVP's confirmation owed once."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events.models import GuestMessage, Rsvp
from events.services import record_rsvp
from tests.events.guests import guest_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued(monkeypatch):
    """The confirmations owed, by RSVP id (the sender's wake-up needs no broker here)."""
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)

    def owed() -> list[int]:
        return list(
            GuestMessage.objects.filter(kind="confirmation").values_list(
                "rsvp_id", flat=True
            )
        )

    return owed


def all_at_once(addresses, event):
    """Each address RSVPs in its own thread and connection, released together."""
    barrier = threading.Barrier(len(addresses))
    outcomes: dict[int, object] = {}

    def run(index, address):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = record_rsvp(
                event_id=event.pk, name=f"Guest {index}", email=address, language="es"
            )
        except ValidationError as error:
            outcomes[index] = error.code
        except Exception as error:  # noqa: BLE001 - reported by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, address))
        for index, address in enumerate(addresses)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [outcomes.get(index) for index in range(len(addresses))]


def test_forty_at_once_fill_ten_places_and_queue_the_rest(home_page, queued):
    event = guest_event(capacity=10, waitlist=True)
    addresses = [f"g{n}@example.org" for n in range(40)]
    # Five people press the button twice.
    outcomes = all_at_once(addresses + addresses[:5], event)

    assert all(isinstance(outcome, Rsvp) for outcome in outcomes), outcomes
    rows = Rsvp.objects.filter(event=event)
    assert rows.count() == 40, "one row per address"
    assert rows.filter(status="confirmed").count() == 10, "confirmed = capacity"
    waiting = rows.filter(status="waitlisted")
    assert waiting.count() == 30
    assert not waiting.filter(waitlisted_at=None).exists()
    assert not rows.filter(status="confirmed").exclude(waitlisted_at=None).exists()
    # Ids are drawn under the lock: everyone confirmed got it before everyone waiting.
    last_confirmed = max(rows.filter(status="confirmed").values_list("pk", flat=True))
    assert last_confirmed < min(waiting.values_list("pk", flat=True))
    assert {row.email for row in rows} == set(addresses)
    assert set(rows.values_list("language", flat=True)) == {"es"}
    created = Counter(queued())
    assert set(created) == set(rows.values_list("pk", flat=True))
    # A repeat may ask for its confirmation again (a lost e-mail), never more.
    assert sum(created.values()) <= 45


def test_thirty_at_once_for_ten_places_without_waitlist(home_page, queued):
    event = guest_event(capacity=10, waitlist=False)
    outcomes = all_at_once([f"h{n}@example.org" for n in range(30)], event)

    assert Counter(
        type(o).__name__ if isinstance(o, Rsvp) else o for o in outcomes
    ) == {
        "Rsvp": 10,
        "full": 20,
    }
    rows = Rsvp.objects.filter(event=event)
    assert rows.count() == 10, "a refusal writes nothing"
    assert set(rows.values_list("status", flat=True)) == {"confirmed"}
    assert sorted(queued()) == sorted(rows.values_list("pk", flat=True))
