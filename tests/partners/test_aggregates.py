"""The counts a key reads never tell it whether an address is on a list: its own
POSTs change nothing there for a newcomer that they would not change for a member,
and small counts are hidden."""

import pytest
from django.utils import timezone

from subscribers.models import Subscription
from tests.factories import make_subscriber

from .conftest import auth, make_key, person, post

pytestmark = pytest.mark.django_db


def confirm(email: str, mailing_list, language: str) -> None:
    Subscription.objects.create(
        subscriber=make_subscriber(email, language=language),
        mailing_list=mailing_list,
        status=Subscription.Status.CONFIRMED,
        source="import",
        consented_at=timezone.now(),
    )


def probe(client, token: str, list_id: int, email: str, **extra) -> tuple[dict, dict]:
    """Read the list, sign the address up, read again."""
    path = f"/api/v1/lists/{list_id}/"
    before = client.get(path, **auth(token)).json()
    body = {"person": person(email), "lists": [list_id], **extra}
    assert post(client, "/api/v1/people/", body, token).status_code == 202
    return before, client.get(path, **auth(token)).json()


@pytest.mark.parametrize("confirmed", [False, True], ids=["signup", "with_consent"])
def test_signing_an_address_up_does_not_show_whether_it_was_on_the_list(
    client, world, confirmed
):
    """The tester's probe: export on list A only, aggregates and signups on B."""
    _key, token = make_key(world, lists=[world.list_a, world.list_b])
    for n in range(6):
        confirm(f"member-{n}@example.org", world.list_b, "es")
    consent = (
        {"consent": {"statement": "yes", "given_at": timezone.now().isoformat()}}
        if confirmed
        else {}
    )
    member = probe(client, token, world.list_b.pk, "member-0@example.org", **consent)
    newcomer = probe(client, token, world.list_b.pk, "new@example.org", **consent)
    assert member[0] == member[1] == newcomer[0] == newcomer[1]
    assert newcomer[1]["total_confirmed"] == 6
    assert "total_pending" not in newcomer[1]
    assert Subscription.objects.filter(mailing_list=world.list_b).count() == 7


def test_small_counts_are_hidden_and_cannot_be_worked_out(client, world):
    _key, token = make_key(world)
    for n in range(7):
        confirm(f"es-{n}@example.org", world.list_a, "es")
    for n in range(5):
        confirm(f"pl-{n}@example.org", world.list_a, "pl")
    confirm("only-arabic@example.org", world.list_a, "ar")
    counts = client.get(f"/api/v1/lists/{world.list_a.pk}/", **auth(token)).json()
    assert counts["total_confirmed"] == 13
    # ar alone would be 13 - 7 - 5: the next smallest cell is hidden with it.
    assert counts["confirmed_by_language"] == {"ar": None, "es": 7, "pl": None}

    few = client.get("/api/v1/lists/", **auth(token)).json()
    assert few[0]["total_confirmed"] == 13
    Subscription.objects.filter(subscriber__language__in=["es", "pl"]).delete()
    counts = client.get(f"/api/v1/lists/{world.list_a.pk}/", **auth(token)).json()
    assert counts["total_confirmed"] is None
    assert counts["confirmed_by_language"] == {"ar": None}
