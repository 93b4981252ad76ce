"""Guests follow the event: a published change reaches each confirmed and waitlisted
guest once, in their language, with an iTIP calendar update; the private address only
for confirmed guests; from the page editor and from the alert screen alike."""

import email
import email.policy
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from campaigns.mailings.models import Delivery
from campaigns.mailings.services import alerts, sending, starting
from events.guest_mail import send_guest_messages
from events.models import EventNotice, EventPage, GuestMessage, Rsvp
from events.notices import announce_event_change
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.events.guests import (
    PRIVATE_ADDRESS,
    guest_event,
    publish,
    rsvp,
    sent_emails,
    vevent,
)
from tests.factories import speaking, translate_page

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "1638 S Blue Island Ave, Chicago, IL 60608"


def told():
    """The messages about changes (each guest's RSVP confirmation left out)."""
    return GuestMessage.objects.exclude(kind=GuestMessage.Kind.CONFIRMATION)


def by_recipient():
    return {email.to: email for email in sent_emails()}


def test_a_new_place_reaches_each_guest_once_in_their_language(
    home_page, run_on_commit, sender_queued
):
    event = guest_event(capacity=2)
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Luis", "luis@example.org", "es")
    rsvp(event, "Omar", "omar@example.org", "ar")  # waitlisted: capacity 2
    mail.outbox.clear()

    with run_on_commit():
        publish(event, venue="Casa Michoacán", address=NEW_ADDRESS)
    assert sender_queued, "the sender is queued once the change is committed"
    assert send_guest_messages() == 3
    assert send_guest_messages() == 0, "a message marked sent is never sent again"
    assert announce_event_change(event_id=event.pk) is None, "already announced"

    received = by_recipient()
    assert sorted(received) == [
        "ana@example.org",
        "luis@example.org",
        "omar@example.org",
    ]
    ana, luis, omar = (received[f"{n}@example.org"] for n in ("ana", "luis", "omar"))
    assert ana.subject == "Update: Know Your Rights session"
    assert luis.subject == "Actualización: Sesión Conozca sus derechos"
    assert omar.subject.startswith("تحديث")
    assert "New place" in ana.text
    assert "Casa Michoacán" in luis.text
    for guest, language in ((ana, "en"), (luis, "es"), (omar, "ar")):
        headers = email.message_from_bytes(guest.raw, policy=email.policy.default)
        assert headers["Content-Language"] == language
    for guest in (ana, luis, omar):
        ((method, raw),) = guest.calendars
        assert method == "REQUEST"
        component = vevent(raw)
        assert str(component["UID"]) == event.ical_uid
        assert int(component["SEQUENCE"]) == 1
    assert NEW_ADDRESS in ana.everything
    assert NEW_ADDRESS in luis.everything
    assert NEW_ADDRESS not in omar.everything, "waitlisted: the public location only"
    assert "TENTATIVE" in omar.calendars[0][1].decode()
    assert "ACCEPTED" in ana.calendars[0][1].decode()
    spanish = EventPage.objects.get(
        translation_key=event.translation_key, locale__language_code="es"
    )
    assert spanish.venue == "Casa Michoacán", "the translation follows the source"
    assert spanish.ical_sequence == 1


def test_text_edits_tell_nobody_and_a_translation_never_raises_the_sequence(
    home_page, run_on_commit
):
    event = guest_event()
    rsvp(event, "Ana", "ana@example.org", "en")
    mail.outbox.clear()

    with run_on_commit():
        spanish = translate_page(event, "es", title="Sesión: conozca sus derechos")
        publish(event, title="Know Your Rights: a free session")

    event.refresh_from_db()
    spanish.refresh_from_db()
    assert not told().exists(), "no time or place changed"
    assert event.ical_sequence == 1, "the English title is what calendars show"
    assert spanish.ical_sequence == 1, "one SEQUENCE per UID"


def test_cancelling_on_the_page_sends_a_cancel_without_the_address(
    home_page, run_on_commit
):
    event = guest_event()
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Luis", "luis@example.org", "es")
    mail.outbox.clear()

    with run_on_commit():
        publish(event, cancelled=True)
    send_guest_messages()

    notice = EventNotice.objects.get()
    assert notice.kind == "cancellation"
    assert notice.changes == ["cancelled"]
    received = by_recipient()
    ana, luis = received["ana@example.org"], received["luis@example.org"]
    assert ana.subject == "Cancelled: Know Your Rights session"
    assert luis.subject == "Cancelado: Sesión Conozca sus derechos"
    for guest in (ana, luis):
        ((method, raw),) = guest.calendars
        assert method == "CANCEL"
        component = vevent(raw)
        assert str(component["STATUS"]) == "CANCELLED"
        assert int(component["SEQUENCE"]) == 1
        assert PRIVATE_ADDRESS not in guest.everything, "nothing to go to any more"
        assert "rsvp/cancel/" not in guest.everything


def test_reinstating_and_moving_again_each_tell_once(home_page, run_on_commit):
    event = guest_event()
    rsvp(event, "Ana", "ana@example.org", "en")
    with run_on_commit():
        publish(event, cancelled=True)
    with run_on_commit():
        publish(event, cancelled=False)
    with run_on_commit():
        publish(
            event,
            start=event.start + timedelta(hours=1),
            end=event.end + timedelta(hours=1),
        )

    assert [n.changes for n in EventNotice.objects.order_by("pk")] == [
        ["cancelled"],
        ["reinstated"],
        ["time"],
    ]
    assert told().count() == 3
    mail.outbox.clear()
    send_guest_messages()
    assert [e.calendars[0][0] for e in sent_emails()] == [
        "CANCEL",
        "REQUEST",
        "REQUEST",
    ]


def test_a_moved_event_tells_guests_the_old_time_and_the_new(home_page, run_on_commit):
    """Staff moved the session by a day; the guests' "New time" e-mail showed only
    the new time, so a guest could not tell which date in their diary was now wrong.
    It now says it moved from the old time to the new, in their language, on the
    city's clock and named as the other e-mails name it."""
    from django.utils import translation

    from cms.local_time import local_time_name
    from events.models import when_text

    event = guest_event()
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Luis", "luis@example.org", "es")
    old_start, old_end = event.start, event.end
    mail.outbox.clear()
    with run_on_commit():
        publish(
            event,
            start=event.start + timedelta(days=1),
            end=event.end + timedelta(days=1),
        )
    send_guest_messages()
    received = by_recipient()
    english = " ".join(received["ana@example.org"].text.split())
    assert (
        f"New time: moved from {when_text(old_start, old_end)} to "
        f"{when_text(event.start, event.end)} ({local_time_name()})"
    ) in english
    # The sentence's catalogue entry comes with the merge; the dates and the clock's
    # name are Spanish already.
    spanish = " ".join(received["luis@example.org"].text.split())
    with translation.override("es"):
        for said in (
            when_text(old_start, old_end),
            when_text(event.start, event.end),
            f"({local_time_name()})",
        ):
            assert said in spanish


def test_a_guest_who_cancelled_meanwhile_is_not_told(home_page, run_on_commit):
    from events.rsvps import cancel_rsvp

    event = guest_event()
    ana = rsvp(event, "Ana", "ana@example.org", "en")
    with run_on_commit():
        publish(event, venue="Casa Michoacán")
    with run_on_commit():
        cancel_rsvp(rsvp_id=ana.pk)
    mail.outbox.clear()
    send_guest_messages()
    (only,) = sent_emails()
    assert only.subject == "Your RSVP is cancelled: Know Your Rights session"
    assert GuestMessage.objects.get(kind="update").status == "skipped"


def start_and_send(mailing_id):
    starting.start_mailing(mailing_id=mailing_id)
    while sending.send_batch(mailing_id=mailing_id):
        pass


def test_alert_screen_update_reaches_guests_once_and_the_lists_without_them(
    home_page, run_on_commit
):
    from django.utils import timezone

    alert_site(home_page)
    (outreach,) = lists(1)
    subscribe("grace@example.org", [outreach], language="en")
    subscribe("ana@example.org", [outreach], language="es")
    user = organizer("olga", [outreach])
    first = alerts.create_rally_alert(
        user=user,
        title="Rally at the DHS office",
        what="Press conference and rally",
        start=timezone.now() + timedelta(days=2),
        venue="Federal Plaza",
        address=PRIVATE_ADDRESS,
        address_on_rsvp_only=True,
        message="Join us.",
        list_ids=[outreach.pk],
    )
    event = first.page.specific.event
    rsvp(event, "Ana", "ana@example.org", "es")  # on the list and a guest
    rsvp(event, "Bob", "bob@example.org", "en")  # a guest on no list
    staff = Client()
    staff.force_login(user)
    screen = staff.get(f"/admin/mailings/alerts/{first.pk}/").content.decode()
    assert "also goes to the event's 2 guests" in screen
    sequence = EventPage.objects.get(pk=event.pk).ical_sequence
    mail.outbox.clear()

    with run_on_commit():
        update = alerts.send_update(
            user=user,
            mailing_id=first.pk,
            message="We moved to the north plaza.",
            changes={"venue": "Federal Plaza, north side"},
        )
    start_and_send(update.pk)
    send_guest_messages()

    delivered = set(
        Delivery.objects.filter(mailing=update).values_list(
            "subscriber__email", flat=True
        )
    )
    assert delivered == {"grace@example.org"}, "Ana hears it once, as a guest"
    received = by_recipient()
    assert sorted(received) == [
        "ana@example.org",
        "bob@example.org",
        "grace@example.org",
    ]
    ana, bob, grace = (received[f"{n}@example.org"] for n in ("ana", "bob", "grace"))
    assert "We moved to the north plaza." in ana.text
    assert ana.subject.startswith("Actualización")
    assert ana.calendars
    assert bob.calendars
    assert not grace.calendars
    assert PRIVATE_ADDRESS in bob.everything
    assert PRIVATE_ADDRESS in ana.everything
    assert PRIVATE_ADDRESS not in grace.everything, "a list alert never has it"
    event.refresh_from_db()
    assert event.ical_sequence == sequence + 1, "one change, one SEQUENCE"
    assert int(vevent(bob.calendars[0][1])["SEQUENCE"]) == sequence + 1
    assert told().count() == 2, "the receiver found it already told"


def test_alert_screen_cancel_without_list_notice_still_tells_guests(
    home_page, run_on_commit
):
    from django.utils import timezone

    alert_site(home_page)
    (outreach,) = lists(1)
    user = organizer("olga", [outreach])
    first = alerts.create_rally_alert(
        user=user,
        title="Rally at the DHS office",
        what="Rally",
        start=timezone.now() + timedelta(days=2),
        message="Join us.",
        list_ids=[outreach.pk],
    )
    event = first.page.specific.event
    rsvp(event, "Bob", "bob@example.org", "en")
    mail.outbox.clear()
    with run_on_commit():
        assert (
            alerts.cancel_event(
                user=user, mailing_id=first.pk, message="Stay safe.", notify=False
            )
            is None
        )
    send_guest_messages()
    (bob,) = sent_emails()
    assert bob.subject == "Cancelled: Rally at the DHS office"
    assert "Stay safe." in bob.text
    assert bob.calendars[0][0] == "CANCEL"


def test_guests_of_a_past_event_are_not_told(home_page, run_on_commit):
    event = guest_event()
    rsvp(event, "Ana", "ana@example.org", "en")
    EventPage.objects.filter(translation_key=event.translation_key).update(
        start=event.start - timedelta(days=30), end=event.end - timedelta(days=30)
    )
    event.refresh_from_db()
    with run_on_commit():
        publish(event, venue="Elsewhere")
    assert not told().exists()
    assert Rsvp.objects.count() == 1


def test_the_page_shows_no_private_address_in_any_language(home_page):
    event = guest_event()
    for page in event.get_translations(inclusive=True).live():
        body = Client().get(page.url).content.decode()
        assert PRIVATE_ADDRESS not in body
        assert "1+Example+St" not in body
        assert "1%20Example%20St" not in body


def edit_form(event, **changes) -> dict:
    """The event editor's POST as it stands, with ``changes``, published."""
    from django.utils import timezone as tz

    def local(moment):
        return tz.localtime(moment).strftime("%Y-%m-%d %H:%M")

    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "start": local(event.start),
        "end": local(event.end),
        "venue": event.venue,
        "address": event.address,
        "hide_address": "on" if event.hide_address else "",
        "rsvp_mode": event.rsvp_mode,
        "capacity": event.capacity or "",
        "waitlist": "on" if event.waitlist else "",
        "remind_hours_before": event.remind_hours_before or "",
        "description": '{"blocks": [], "entityMap": {}}',
        "action-publish": "publish",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def test_the_editor_warns_that_guests_are_told_and_says_how_many(
    client, home_page, run_on_commit
):
    """Publishing a new time or place e-mails every guest at once: the fields say so
    before, and the publish says to how many guests after."""
    from django.urls import reverse

    from tests.factories import SuperuserFactory

    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Omar", "omar@example.org", "ar")  # on the waitlist
    staff = SuperuserFactory()
    client.force_login(staff)
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])
    warning = "Publishing a change here e-mails every guest at once."
    assert client.get(edit).content.decode().count(warning) == 4

    with run_on_commit():
        answer = client.post(edit, edit_form(event, venue="Room 4S"), follow=True)
    assert "2 guests will be told about the change by e-mail." in (
        answer.content.decode()
    )
    assert told().count() == 2

    with run_on_commit():
        answer = client.post(edit, edit_form(event, venue="Room 4S"), follow=True)
    assert "told about the change" not in answer.content.decode(), "nothing new"
    assert told().count() == 2

    speaking(staff, "es")
    with run_on_commit():
        answer = client.post(edit, edit_form(event, venue="Sala 4N"), follow=True)
    assert "2 invitados recibirán un correo sobre el cambio." in (
        answer.content.decode()
    )
    assert "se envía un correo a todos los invitados" in (
        client.get(edit).content.decode()
    )


def test_the_long_calendar_links_come_after_what_a_guest_may_do(home_page):
    """The text part put two calendar links of a couple of kilobytes each (%-encoded
    Arabic, mostly) between the event's details and the guest's own links."""
    event = guest_event()
    rsvp(event, "Omar", "omar@example.org", "ar")
    text = by_recipient()["omar@example.org"].text
    lines = text.splitlines()
    cancel = next(n for n, line in enumerate(lines) if "/rsvp/cancel/" in line)
    google = next(n for n, line in enumerate(lines) if line.startswith("Google: "))
    assert len(lines[google]) > 300, "the long one"
    assert cancel < google
    assert lines[lines.index("-- ") - 2].startswith("Outlook.com: "), "last, then a gap"


def test_guests_get_directions_to_the_place_and_to_a_new_one(
    home_page, run_on_commit, sender_queued
):
    """The confirmation and an update to a new place carry a map link to the address
    (the private one too, for confirmed guests only), in the HTML and the text part
    and in the guest's language; a waitlisted guest gets no link to the private
    address, and a cancellation none at all (nowhere to go)."""
    from urllib.parse import quote_plus

    event = guest_event(capacity=2)
    rsvp(event, "Ana", "ana@example.org", "en")
    rsvp(event, "Omar", "omar@example.org", "ar")
    rsvp(event, "Luis", "luis@example.org", "es")  # waitlisted: capacity 2
    old_map = (
        f"https://www.openstreetmap.org/search?query={quote_plus(PRIVATE_ADDRESS)}"
    )
    received = by_recipient()
    for guest, label in (("ana", "Map"), ("omar", "الخريطة")):
        confirmation = received[f"{guest}@example.org"]
        assert f'href="{old_map}"' in confirmation.html.replace("&amp;", "&")
        assert f"{label}:\n{old_map}" in confirmation.text
    assert "openstreetmap" not in received["luis@example.org"].everything
    mail.outbox.clear()

    with run_on_commit():
        publish(event, venue="Daley Plaza", address="50 W Washington St")
    assert send_guest_messages() == 3
    received = by_recipient()
    new_map = "https://www.openstreetmap.org/search?query=50+W+Washington+St%2C+Chicago"
    for guest in ("ana", "omar"):
        update = received[f"{guest}@example.org"]
        assert f'href="{new_map}"' in update.html
        assert new_map in update.text
        assert old_map not in update.everything
    assert "openstreetmap" not in received["luis@example.org"].everything
    mail.outbox.clear()

    with run_on_commit():
        alerts_free_cancel = publish(event, cancelled=True)
    assert alerts_free_cancel.cancelled
    assert send_guest_messages() == 3
    for cancellation in sent_emails():
        assert "openstreetmap" not in cancellation.everything
