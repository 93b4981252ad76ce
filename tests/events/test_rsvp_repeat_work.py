"""A repeat RSVP costs the database what a new one costs, so the answer's timing does
not tell a stranger that an address had RSVPed.

On PostgreSQL a new RSVP is one call to events_claim_rsvp (the place and its owed
confirmation); a repeat used to get "existing" back and then write the confirmation it
is sent again with four more statements, twice as long in-process. The wire between
the application and PostgreSQL is recorded by libpq's own trace (PQtrace), so the
check sees the prepared claim that Django's query log does not."""

import re
import tempfile

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection

from events.guest_mail import send_guest_messages
from events.models import GuestMessage, Rsvp
from tests.factories import MailingListFactory, build_event
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def post(client, event, email: str, **data):
    payload = {"name": "Ana", "email": email, "website": "", **data}
    response = client.post(event.url + "rsvp/", payload)
    assert response.status_code == 303
    return response


def sent_to_postgres(action) -> list[str]:
    """The frontend messages ``action`` sends to PostgreSQL: their kind and, for a
    statement, its text, without parameters or prepared statements' names."""
    import psycopg

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(
            psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE
        )
        try:
            action()
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode().splitlines()
    # A statement written over several lines (cms.routing's SQL) is traced with its
    # newlines: a line that starts no message continues the one before.
    messages = []
    for line in lines:
        if line.startswith(("F\t", "B\t")) or not messages:
            messages.append(line)
        else:
            messages[-1] += "\n" + line
    sent = []
    for message in messages:
        direction, _length, kind, *rest = message.split("\t")
        if direction != "F":
            continue
        # The statement's shape: Django binds values into the text (the clock, ids,
        # savepoint names); a Bind carries the prepared claim's values.
        text = "" if kind == "Bind" else (rest[0] if rest else "")
        text = re.sub(r'"_pg3_\d+"', "", text)
        text = re.sub(r"'[^']*'|\d+", "?", text)
        sent.append(f"{kind} {text}".strip())
    return sent


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("join_list", "confirm_by_email"), [(False, False), (True, False), (False, True)]
)
def test_a_repeat_rsvp_sends_postgres_what_a_new_one_sends(
    client, home_page, join_list, confirm_by_email
):
    mailing_list = MailingListFactory(name="Legal", slug="legal")
    event = build_event(
        rsvp_mode="internal",
        rsvp_list=mailing_list,
        confirm_by_email=confirm_by_email,
        capacity=10,
    )
    extra = {"join_list": "on"} if join_list else {}
    # The prepared claim is parsed once per connection: after the first RSVP both
    # paths bind and execute it.
    post(client, event, "first@example.org", **extra)

    new = sent_to_postgres(lambda: post(client, event, "ana@example.org", **extra))
    repeat = sent_to_postgres(lambda: post(client, event, "ana@example.org", **extra))

    assert any("events_claim_rsvp" in message for message in new)
    assert repeat == new
    # The repeat is still owed its confirmation again, written by the claim.
    again = GuestMessage.objects.get(key__contains=":again:")
    assert again.kind == (
        GuestMessage.Kind.CONFIRM_REQUEST
        if confirm_by_email
        else GuestMessage.Kind.CONFIRMATION
    )
    assert again.rsvp.email_hash == Rsvp.objects.get(pk=again.rsvp_id).email_hash
    statuses = Rsvp.objects.values_list("status", flat=True)
    assert list(statuses) == ["pending" if confirm_by_email else "confirmed"] * 2
    # A repeat that ticks the list's box asks to join like a new RSVP does.
    assert run_signup_requests() == (3 if join_list else 0)


@pytest.mark.postgres
def test_a_pending_guest_who_asks_again_gets_the_link_to_confirm_again(
    client, home_page
):
    """The option to hold places until the guest confirms was turned off while a
    guest was pending: the claim (not the Python path) answers the repeat."""
    event = build_event(rsvp_mode="internal", confirm_by_email=True)
    post(client, event, "ana@example.org")
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING
    event.confirm_by_email = False
    event.save_revision().publish()

    post(client, event, "ana@example.org")

    again = GuestMessage.objects.get(key__contains=":again:")
    assert again.kind == GuestMessage.Kind.CONFIRM_REQUEST
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING


@pytest.mark.postgres
def test_the_confirmation_the_claim_owes_a_repeat_is_sent(client, home_page):
    event = build_event(rsvp_mode="internal", title="Know Your Rights session")
    post(client, event, "ana@example.org")
    post(client, event, "ana@example.org")

    assert send_guest_messages() == 2

    assert [message.to for message in mail.outbox] == [["ana@example.org"]] * 2
    assert all("Know Your Rights session" in m.subject for m in mail.outbox)
    assert set(GuestMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_repeat_is_owed_its_confirmation_again_once_per_request(client, home_page):
    event = build_event(rsvp_mode="internal")
    post(client, event, "ana@example.org")
    post(client, event, "Ana@Example.org")

    rsvp = Rsvp.objects.get()
    kinds = sorted(rsvp.messages.values_list("kind", flat=True))
    assert kinds == ["confirmation"] * 2
    assert rsvp.messages.filter(key__contains=":again:").count() == 1
