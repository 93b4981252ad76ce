"""EventPlaces keeps each event's confirmed count equal to its rows, whatever changes
them: RSVPs and the waitlist, cancellations and promotions, the admin's edits (one
row, many, a move to another event), deletes, a person's erasure, the event's own
deletion (database triggers, events migration 0006; PostgreSQL and SQLite alike)."""

import pytest
from django.db.models import Count, Q

from events.models import EventPage, EventPlaces, Rsvp, confirmed_count
from events.rsvps import cancel_rsvp
from subscribers.services import erase_subscriber
from tests.events.guests import guest_event, rsvp
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db


def counted() -> dict[int, int]:
    return {
        event_id: confirmed
        for event_id, confirmed in EventPlaces.objects.values_list(
            "event_id", "confirmed"
        )
        if confirmed
    }


def rows() -> dict[int, int]:
    confirmed = (
        Rsvp.objects.values("event_id")
        .annotate(n=Count("pk", filter=Q(status=Rsvp.Status.CONFIRMED)))
        .values_list("event_id", "n")
    )
    return {event_id: n for event_id, n in confirmed if n}


def test_the_count_follows_a_run_of_changes(home_page):
    kyr = guest_event(capacity=2, waitlist=True)
    lobby = guest_event(title="Lobby day", capacity=None)
    ana, bo, cy, di = (
        rsvp(kyr, name, f"{name.lower()}@example.org")
        for name in ("Ana", "Bo", "Cy", "Di")
    )
    for n in range(3):
        rsvp(lobby, "Guest", f"guest{n}@example.org")

    def check(step: str, expected: dict[int, int]) -> None:
        assert counted() == rows() == expected, step

    check("RSVPs: two confirmed, two waitlisted", {kyr.pk: 2, lobby.pk: 3})
    cancel_rsvp(rsvp_id=ana.pk)  # Cy takes the place
    check("a cancellation and its promotion", {kyr.pk: 2, lobby.pk: 3})
    Rsvp.objects.filter(pk=di.pk).update(status=Rsvp.Status.CONFIRMED)  # the admin
    check("one row confirmed by hand", {kyr.pk: 3, lobby.pk: 3})
    Rsvp.objects.filter(pk=bo.pk).update(event=lobby)
    check("a guest moved to another event", {kyr.pk: 2, lobby.pk: 4})
    Rsvp.objects.filter(pk=bo.pk).update(status=Rsvp.Status.CONFIRMED)
    check("a confirmed row saved as confirmed", {kyr.pk: 2, lobby.pk: 4})
    Rsvp.objects.filter(event=lobby).update(status=Rsvp.Status.WAITLISTED)
    check("many rows at once", {kyr.pk: 2})
    Rsvp.objects.get(pk=cy.pk).delete()
    check("a deleted row", {kyr.pk: 1})
    erase_subscriber(subscriber_id=make_subscriber("di@example.org").pk)
    check("the person erased", {})


@pytest.mark.parametrize(
    "change",
    [
        "cancel",
        "confirm by hand",
        "move",
        "delete",
        "erase",
        "many at once",
    ],
)
def test_each_change_keeps_the_count(home_page, change):
    kyr = guest_event(capacity=2, waitlist=True)
    lobby = guest_event(title="Lobby day", capacity=None)
    guests = [
        rsvp(kyr, name, f"{name.lower()}@example.org")
        for name in ("Ana", "Bo", "Cy", "Di")
    ]
    rsvp(lobby, "Eve", "eve@example.org")
    ana, _bo, cy, di = guests
    if change == "cancel":
        cancel_rsvp(rsvp_id=ana.pk)  # Cy is promoted in the same transaction
    elif change == "confirm by hand":
        Rsvp.objects.filter(pk=di.pk).update(status=Rsvp.Status.CONFIRMED)
    elif change == "move":
        Rsvp.objects.filter(pk=ana.pk).update(event=lobby)
    elif change == "delete":
        Rsvp.objects.filter(pk__in=[ana.pk, cy.pk]).delete()
    elif change == "erase":
        erase_subscriber(subscriber_id=make_subscriber("ana@example.org").pk)
    else:
        Rsvp.objects.filter(event=kyr).update(status=Rsvp.Status.CONFIRMED)
    assert counted() == rows()
    assert confirmed_count(kyr.pk) == rows().get(kyr.pk, 0)


def test_the_event_deleted_takes_its_count(home_page):
    kyr = guest_event(capacity=2)
    rsvp(kyr, "Ana", "ana@example.org")
    assert counted() == {kyr.pk: 1}
    EventPage.objects.get(pk=kyr.pk).delete()
    assert not EventPlaces.objects.filter(event_id=kyr.pk).exists()
    assert counted() == rows() == {}


def test_each_change_of_the_count_is_numbered(home_page):
    """EventPlaces.changes (migration 0009) rises with every change of the confirmed
    count, whoever makes it, and not when only the waitlist moves: it orders the
    states the places fragment shows (cms.page_cache.purge_and_refill)."""
    kyr = guest_event(capacity=1, waitlist=True)

    def number() -> int:
        return EventPlaces.objects.get(event_id=kyr.pk).changes

    ana = rsvp(kyr, "Ana", "ana@example.org")
    first = number()
    assert first >= 1
    bo = rsvp(kyr, "Bo", "bo@example.org")  # waitlisted
    rsvp(kyr, "Cy", "cy@example.org")  # waitlisted
    assert number() == first, "the waitlist alone shows no new count"
    cancel_rsvp(rsvp_id=ana.pk)  # Ana's place freed, then Bo's: two changes
    assert number() == first + 2
    Rsvp.objects.filter(pk=bo.pk).update(status=Rsvp.Status.WAITLISTED)  # the admin
    assert number() == first + 3
    Rsvp.objects.filter(event=kyr, status=Rsvp.Status.WAITLISTED).delete()
    assert number() == first + 3, "no confirmed row went"
    assert counted() == rows() == {}
