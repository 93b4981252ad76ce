"""A guest who cancels their own RSVP gets a METHOD:CANCEL calendar object, but with the
invitation's own SEQUENCE: RFC 5546 (2.1.4) has the organizer raise SEQUENCE on every
CANCEL, and a calendar app that keeps the copy it has unless the new one is newer
(Apple's, Thunderbird's) left the event in the guest's calendar. The cancellation now
carries a higher SEQUENCE than the invitation, and an RSVP made again afterwards an
invitation no older than that cancellation; the event's own SEQUENCE (feeds, other
guests, partners' webhooks) does not move, as the event did not change."""

import pytest

from events.guest_mail import send_guest_messages
from events.models import EventPage
from events.rsvps import cancel_rsvp
from events.services import record_rsvp
from tests.events.guests import guest_event, parse_both, rsvp, sent_emails
from tests.events.khal import KhalCalendar

pytestmark = pytest.mark.django_db


def calendar_of(email):
    ((method, raw),) = email.calendars
    return method, raw, parse_both(raw)


def test_a_guests_cancellation_outranks_their_invitation(
    home_page, run_on_commit, tmp_path
):
    event = guest_event()
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)
    send_guest_messages()
    invitation, cancellation = sent_emails()

    method, invite_raw, invite = calendar_of(invitation)
    assert method == "REQUEST"
    method, cancel_raw, cancel = calendar_of(cancellation)
    assert method == "CANCEL"
    assert str(cancel["METHOD"]) == "CANCEL"
    (invited,) = invite.walk("VEVENT")
    (cancelled,) = cancel.walk("VEVENT")
    assert str(cancelled["UID"]) == str(invited["UID"]) == event.ical_uid
    assert int(cancelled["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    # The event did not change: its SEQUENCE, in every language, stays.
    sequences = set(
        EventPage.objects.filter(translation_key=event.translation_key).values_list(
            "ical_sequence", flat=True
        )
    )
    assert sequences == {int(invited["SEQUENCE"])}

    phone = KhalCalendar.create(tmp_path / "ana")
    phone.import_ics(invite_raw, "invite")
    phone.import_ics(cancel_raw, "cancel")
    (entry,) = phone.events()
    assert entry["status"] == "CANCELLED"
    assert len(phone.stored_files()) == 1

    # Ana changes her mind again: the new invitation is no older than the CANCEL.
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="es")
    send_guest_messages()
    *_, again = sent_emails()
    method, _raw, request = calendar_of(again)
    assert method == "REQUEST"
    (renewed,) = request.walk("VEVENT")
    assert int(renewed["SEQUENCE"]) >= int(cancelled["SEQUENCE"])
