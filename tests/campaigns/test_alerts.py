"""Alert services: permissions, the two-person rule, stale alerts, updates, cancels."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone

from campaigns.mailings.exceptions import AlertError
from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import alerts, sending, starting, upkeep
from cms.models import AlertPage
from events.models import EventPage
from tests.campaigns.alert_fixtures import alert_site, audience, organizer, rally
from tests.factories import speaking

pytestmark = pytest.mark.django_db


def start_and_send(mailing_id):
    starting.start_mailing(mailing_id=mailing_id)
    while sending.send_batch(mailing_id=mailing_id):
        pass


def test_rally_alert_creates_event_page_and_alert_mailing(home_page, fake_esp):
    alert_site(home_page)
    legal, outreach = audience()
    user = organizer("olga", [legal, outreach])
    mailing = rally(user, [legal.pk, outreach.pk], address_on_rsvp_only=True)

    event = EventPage.objects.get(title="Rally at the DHS office")
    assert event.kind == "rally"
    assert event.live
    assert event.hide_address
    alert = mailing.page.specific
    assert isinstance(alert, AlertPage)
    assert alert.event_id == event.pk
    assert mailing.lane == Mailing.Lane.ALERTS
    assert mailing.send_by == event.start
    assert mailing.status == Mailing.Status.DRAFT

    assert alerts.send_alert(user=user, mailing_id=mailing.pk) == "starting"
    start_and_send(mailing.pk)
    rows = {row.to: row for row in fake_esp.delivered}
    assert sorted(rows) == ["ana@example.org", "grace@example.org"]
    grace = rows["grace@example.org"]
    assert grace.subject == "Rally at the DHS office"
    assert "Chicago time" in grace.text
    assert f"{event.url}ical/" in grace.html
    assert f"{event.url}ical/" in grace.text
    assert f"{event.url}rsvp/" in grace.html
    assert "101 W Ida B Wells" not in grace.html + grace.text, "address on RSVP only"


def test_organizer_cannot_alert_a_list_they_do_not_hold(home_page):
    alert_site(home_page)
    legal, outreach = audience()
    user = organizer("olga", [legal])
    with pytest.raises(AlertError, match="send permission"):
        rally(user, [legal.pk, outreach.pk])
    assert not EventPage.objects.exists(), "nothing written"
    assert not AlertPage.objects.exists()
    assert not Mailing.objects.exists()


def test_organizer_cannot_send_or_approve_someone_elses_alert_to_other_lists(
    home_page,
):
    alert_site(home_page)
    legal, outreach = audience()
    author = organizer("olga", [legal, outreach])
    mailing = rally(author, [legal.pk, outreach.pk])
    outsider = organizer("omar", [legal])
    with pytest.raises(AlertError):
        alerts.send_alert(user=outsider, mailing_id=mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_approvers_are_asked_in_their_own_admin_language(home_page, fake_esp):
    """The e-mail asking for a second person went out in English to everyone; each
    approver now reads it in the admin language their account chose."""

    alert_site(home_page)
    legal, outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    readers = {}
    for name, language in (("sofia", "es"), ("amal", "ar"), ("sam", "")):
        user = organizer(name, [legal], group_name="Organizers")
        user.email = f"{name}@staff.example.org"
        user.save()
        speaking(user, language)
        readers[user.email] = language
    mailing = rally(author, [legal.pk])
    alerts.send_alert(user=author, mailing_id=mailing.pk)

    assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 3
    subjects = {notice.to: notice.subject for notice in fake_esp.delivered}
    texts = {notice.to: notice.text for notice in fake_esp.delivered}
    assert subjects["sofia@staff.example.org"].startswith(
        "Una alerta espera su aprobación:"
    )
    assert subjects["amal@staff.example.org"].startswith("تنبيه ينتظر موافقتك:")
    assert subjects["sam@staff.example.org"].startswith(
        "An alert waits for your approval:"
    )
    for address in readers:
        assert f"/mailings/alerts/{mailing.pk}/" in texts[address]
    assert "A rapid-response alert" not in texts["sofia@staff.example.org"]
    # A date after "antes de" takes the article: "antes del 7 de diciembre".
    assert "aprueba antes del " in texts["sofia@staff.example.org"]


def test_approvers_request_names_the_alert_in_their_language(home_page, fake_esp):
    """A Spanish-speaking approver's request read "Una alerta espera su aprobación:
    Rally at the DHS office" although the alert has a Spanish version: the subject
    now names it by that version's title, and by the original where none exists."""

    alert_site(home_page)
    legal, _outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    for name, language in (("sofia", "es"), ("piotr", "pl")):
        user = organizer(name, [legal], group_name="Organizers")
        user.email = f"{name}@staff.example.org"
        user.save()
        speaking(user, language)
    mailing = rally(
        author,
        [legal.pk],
        translations={
            "es": {
                "title": "Mitin en la oficina de DHS",
                "what": "Conferencia de prensa",
                "message": "Vengan ya.",
            }
        },
    )
    alerts.send_alert(user=author, mailing_id=mailing.pk)

    assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 2
    subjects = {notice.to: notice.subject for notice in fake_esp.delivered}
    assert subjects["sofia@staff.example.org"] == (
        "Una alerta espera su aprobación: Mitin en la oficina de DHS"
    )
    assert subjects["piotr@staff.example.org"].endswith(": Rally at the DHS office")


def test_approvers_are_told_who_asked_for_which_lists_and_by_when(home_page, fake_esp):
    """The request said only "an alert waits": an approver reading it on a phone could
    not tell whose it was, to whom, or that it is dropped after its send-by time."""
    alert_site(home_page)
    legal, outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal, outreach], group_name="Organizers")
    author.first_name, author.last_name = "Olga", "Nowak"
    author.save()
    second = organizer("sam", [legal, outreach], group_name="Organizers")
    second.email = "sam@staff.example.org"
    second.save()
    mailing = rally(author, [legal.pk, outreach.pk])
    alerts.send_alert(user=author, mailing_id=mailing.pk)
    send_by = Mailing.objects.get(pk=mailing.pk).send_by
    local = timezone.localtime(send_by)

    assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 1
    (notice,) = fake_esp.delivered
    text = " ".join(notice.text.split())
    names = ", ".join(sorted([legal.name, outreach.name]))
    assert f"Asked by Olga Nowak, for {names}." in text
    deadline = formats.date_format(local, "DATETIME_FORMAT")
    assert f"If nobody approves it by {deadline} (Chicago time)," in text
    assert "it is not sent at all" in text


def test_bad_input_writes_nothing(home_page):
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    with pytest.raises(AlertError, match="future"):
        rally(user, [legal.pk], start=timezone.now() - timedelta(minutes=1))
    with pytest.raises(AlertError, match="message"):
        rally(user, [legal.pk], message="  ")
    assert not EventPage.objects.exists()
    assert not Mailing.objects.exists()


def test_two_person_rule_holds_the_alert_until_a_second_person_approves(
    home_page, fake_esp, django_capture_on_commit_callbacks
):
    alert_site(home_page)
    legal, outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal, outreach], group_name="Organizers")
    second = organizer("sam", [legal, outreach], group_name="Organizers")
    second.email = "sam@staff.example.org"
    second.save()
    partial = organizer("pat", [outreach])
    mailing = rally(author, [legal.pk, outreach.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        status = alerts.send_alert(user=author, mailing_id=mailing.pk)
    assert status == Mailing.Status.AWAITING_APPROVAL
    assert len(callbacks) == 1, "only the approvers' e-mail is queued"
    assert Mailing.objects.get(pk=mailing.pk).status == "awaiting"

    assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 1
    (notice,) = fake_esp.delivered
    assert notice.to == "sam@staff.example.org"
    assert notice.subject.startswith("An alert waits for your approval")
    assert f"/mailings/alerts/{mailing.pk}/" in notice.text
    fake_esp.delivered.clear()
    assert [m.pk for m in alerts.pending_approvals(second)] == [mailing.pk]
    assert alerts.pending_approvals(author) == []
    assert alerts.pending_approvals(partial) == []

    with pytest.raises(AlertError, match="second person"):
        alerts.approve_alert(user=author, mailing_id=mailing.pk)
    with pytest.raises(AlertError, match="send permission"):
        alerts.approve_alert(user=partial, mailing_id=mailing.pk)
    assert not fake_esp.delivered

    with django_capture_on_commit_callbacks(execute=False):
        alerts.approve_alert(user=second, mailing_id=mailing.pk)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.STARTING
    assert mailing.approved_by == second
    with pytest.raises(AlertError, match="not waiting"):
        alerts.approve_alert(user=second, mailing_id=mailing.pk)
    start_and_send(mailing.pk)
    assert len(fake_esp.delivered) == 2


def test_stale_alert_sends_nothing(home_page, fake_esp):
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk], send_by=timezone.now() + timedelta(minutes=5))
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    Mailing.objects.filter(pk=mailing.pk).update(
        send_by=timezone.now() - timedelta(seconds=1)
    )
    start_and_send(mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.STALE
    assert not fake_esp.delivered
    assert not Delivery.objects.filter(mailing=mailing).exists()


def test_restored_backup_never_replays_an_alert(home_page, fake_esp):
    """A backup taken mid-send holds queued deliveries and a SENDING alert; restored
    after its send-by time, the upkeep and any left-over send task send nothing."""
    alert_site(home_page)
    legal, outreach = audience()
    user = organizer("olga", [legal, outreach])
    mailing = rally(user, [legal.pk, outreach.pk])
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    starting.start_mailing(mailing_id=mailing.pk)
    # As restored: mid-send (one claimed, one queued), and the rally has started since.
    first = Delivery.objects.filter(mailing=mailing).order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    past = timezone.now() - timedelta(minutes=1)
    Mailing.objects.filter(pk=mailing.pk).update(
        send_by=past, last_progress_at=past - timedelta(hours=1)
    )
    # An alert held for approval in the same backup is not replayed either.
    held = rally(user, [legal.pk], send_by=past)
    Mailing.objects.filter(pk=held.pk).update(status=Mailing.Status.STARTING)

    upkeep.keep_mailings_moving(stalled_after=0)
    sending.send_batch(mailing_id=mailing.pk)
    starting.start_mailing(mailing_id=held.pk)

    assert not fake_esp.delivered
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.STALE
    assert Mailing.objects.get(pk=held.pk).status == Mailing.Status.STALE
    assert not Delivery.objects.filter(
        mailing=mailing, status=Delivery.Status.QUEUED
    ).exists()


def test_every_alert_has_a_send_by_time(home_page, fake_esp):
    """Even without an event start, an alert expires (so a restore cannot replay it)."""
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk])
    Mailing.objects.filter(pk=mailing.pk).update(send_by=None)
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    mailing.refresh_from_db()
    assert mailing.send_by == mailing.created_at + alerts.ALERT_SEND_WINDOW


def test_update_goes_to_the_same_lists_translated_and_bumps_sequence(
    home_page, fake_esp
):
    from tests.factories import translate_page

    alert_site(home_page)
    legal, outreach = audience()
    user = organizer("olga", [legal, outreach])
    mailing = rally(user, [legal.pk, outreach.pk])
    translate_page(mailing.page.specific, "es", title="Manifestación en DHS")
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    start_and_send(mailing.pk)
    event = mailing.page.specific.event
    sequence = event.ical_sequence
    fake_esp.delivered.clear()

    new_start = event.start + timedelta(minutes=30)
    update = alerts.send_update(
        user=user,
        mailing_id=mailing.pk,
        message="We moved to 5:30.",
        changes={"start": new_start, "end": new_start + timedelta(hours=2)},
    )
    assert set(update.lists.all()) == {legal, outreach}
    assert update.send_by == new_start
    event.refresh_from_db()
    assert event.ical_sequence == sequence + 1
    assert event.start == new_start
    ics = (
        __import__("django.test", fromlist=["Client"]).Client().get(f"{event.url}ical/")
    )
    assert f"SEQUENCE:{sequence + 1}" in ics.content.decode()

    start_and_send(update.pk)
    rows = {row.to: row for row in fake_esp.delivered}
    assert rows["grace@example.org"].subject == "Update: Rally at the DHS office"
    assert rows["ana@example.org"].subject.startswith("Actualización")
    assert "Manifestación en DHS" in rows["ana@example.org"].subject
    assert "We moved to 5:30." in rows["ana@example.org"].text


def test_update_of_the_start_alone_keeps_the_events_length(home_page, fake_esp):
    """An organizer who moves a 1-3 pm rally to 2 pm and leaves "New end" empty
    means 2-4 pm: the end used to stay at 3, so every guest's calendar and e-mail
    showed a one-hour rally (and a move past the old end was refused)."""
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk])
    event = mailing.page.specific.event
    length = event.end - event.start

    later = event.start + timedelta(hours=1)
    alerts.send_update(
        user=user,
        mailing_id=mailing.pk,
        message="An hour later.",
        changes={"start": later},
    )
    event.refresh_from_db()
    assert (event.start, event.end) == (later, later + length)

    much_later = later + 2 * length
    alerts.send_update(
        user=user,
        mailing_id=mailing.pk,
        message="Later still.",
        changes={"start": much_later, "end": None},
    )
    event.refresh_from_db()
    assert (event.start, event.end) == (much_later, much_later + length)

    new_end = much_later + timedelta(minutes=30)
    alerts.send_update(
        user=user, mailing_id=mailing.pk, message="Shorter.", changes={"end": new_end}
    )
    event.refresh_from_db()
    assert (event.start, event.end) == (much_later, new_end), "a new end alone is kept"


def test_update_without_field_changes_still_bumps_sequence(home_page, fake_esp):
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk])
    event = mailing.page.specific.event
    before = event.ical_sequence
    alerts.send_update(user=user, mailing_id=mailing.pk, message="Bring water.")
    event.refresh_from_db()
    assert event.ical_sequence == before + 1


def test_cancel_event_marks_it_cancelled_and_sends_a_cancellation(home_page, fake_esp):
    from django.test import Client

    alert_site(home_page)
    legal, outreach = audience()
    user = organizer("olga", [legal, outreach])
    mailing = rally(user, [legal.pk, outreach.pk])
    unsent = alerts.create_event_alert(
        user=user,
        event_id=mailing.page.specific.event_id,
        message="Reminder",
        list_ids=[legal.pk],
    )
    event = mailing.page.specific.event
    before = event.ical_sequence

    cancellation = alerts.cancel_event(
        user=user, mailing_id=mailing.pk, message="Called off: stay safe."
    )
    event.refresh_from_db()
    assert event.cancelled
    assert event.ical_sequence > before
    assert Mailing.objects.get(pk=unsent.pk).status == Mailing.Status.CANCELLED
    ics = Client().get(f"{event.url}ical/").content.decode()
    assert "STATUS:CANCELLED" in ics
    page = Client().get(event.url).content.decode()
    assert "This event has been cancelled." in page
    assert "101 W Ida B Wells Dr" in page
    assert "openstreetmap" not in page, "no directions to a cancelled rally"

    start_and_send(cancellation.pk)
    rows = {row.to: row for row in fake_esp.delivered}
    assert sorted(rows) == ["ana@example.org", "grace@example.org"]
    grace = rows["grace@example.org"]
    assert grace.subject == "Cancelled: Rally at the DHS office"
    assert "Called off: stay safe." in grace.text
    assert "I'm coming" not in grace.text
    # Where it would have been stays, without a map: people skim a cancellation.
    assert "101 W Ida B Wells Dr" in grace.text
    assert "openstreetmap" not in grace.text + grace.html
    with pytest.raises(AlertError, match="already cancelled"):
        alerts.cancel_event(user=user, mailing_id=mailing.pk)


def test_cancel_without_notice_sends_nothing(home_page, fake_esp):
    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk])
    assert alerts.cancel_event(user=user, mailing_id=mailing.pk, notify=False) is None
    assert Mailing.objects.count() == 1
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.CANCELLED


def test_demo_organizers_may_alert_outreach_only_and_legal_needs_two(home_page):
    from django.contrib.auth.models import Group

    from campaigns.demo import load_organizer_permissions
    from subscribers.demo import load_lists
    from subscribers.selectors import lists_user_can
    from tests.factories import UserFactory

    load_lists()
    load_organizer_permissions()
    load_organizer_permissions()
    user = UserFactory(username="organizer")
    user.groups.add(Group.objects.get(name="Organizers"))
    assert list(lists_user_can(user, "send").values_list("slug", flat=True)) == [
        "community-outreach"
    ]
    from subscribers.models import MailingList

    assert MailingList.objects.get(slug="legal-protection").two_person_rule


def test_demo_organizers_see_the_rsvp_list_of_their_events(home_page, client):
    """The organizer who alerted a list to a rally could check its guests in at the
    door but not open the RSVP list (the dashboard instead): the demo's group had no
    view permission on RSVPs."""
    from django.contrib.auth.models import Group

    from campaigns.demo import load_organizer_permissions
    from cms.demo import load_staff
    from events.models import Rsvp
    from subscribers.demo import load_lists
    from subscribers.models import MailingList
    from tests.events.guests import guest_event, rsvp
    from tests.factories import UserFactory

    load_staff()
    load_lists()
    load_organizer_permissions()
    outreach = MailingList.objects.get(slug="community-outreach")
    theirs = guest_event(rsvp_list=outreach, title="Vigil at Daley Plaza")
    other = guest_event(title="Legal clinic")
    rsvp(theirs, "Zofia Nowak", "zofia@example.org", "pl")
    rsvp(other, "Li Wei", "li@example.org", "zh-hans")
    user = UserFactory(username="maria")
    user.groups.add(Group.objects.get(name="Organizers"))
    client.force_login(user)
    response = client.get("/admin/rsvps/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zofia Nowak" in html
    assert "Li Wei" not in html, "only their lists' events"
    assert Rsvp.objects.count() == 2


def test_two_person_rule_cannot_be_bypassed_from_the_mailing_screens(home_page):
    from campaigns.mailings.exceptions import MailingStateError
    from campaigns.mailings.services import control

    alert_site(home_page)
    (legal,) = audience(1)
    legal.two_person_rule = True
    legal.save()
    user = organizer("olga", [legal], group_name="Organizers")
    organizer("sam", [legal], group_name="Organizers")
    mailing = rally(user, [legal.pk])
    with pytest.raises(MailingStateError, match="second person"):
        control.send_now(user=user, mailing_id=mailing.pk)
    bulk = control.create_mailing(user=user, page=mailing.page, list_ids=[legal.pk])
    with pytest.raises(MailingStateError, match="second person"):
        control.schedule(
            user=user, mailing_id=bulk.pk, when=timezone.now() + timedelta(hours=1)
        )
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    with pytest.raises(AlertError, match="already sent or is waiting"):
        alerts.send_alert(user=user, mailing_id=mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == "awaiting"


def test_a_translated_alert_keeps_its_event_while_the_event_translation_is_a_draft(
    home_page,
):
    """wagtail-localize points a translated alert at the event's translation, which
    starts as a draft: the alert shows the published event until that one is live."""
    from wagtail.models import Locale

    from cms.email.rendering import render_email
    from tests.factories import build_bulletin_index, build_event, translate_page

    alert_site(home_page)
    event = build_event(title="Rally at the DHS office", venue="Federal Plaza")
    alert = AlertPage(title="Rally", slug="rally", message="<p>Join us.</p>")
    alert.event = event
    build_bulletin_index(home_page).add_child(instance=alert)
    alert.save_revision().publish()
    draft_event = event.copy_for_translation(
        Locale.objects.get(language_code="es"), copy_parents=True
    )
    assert not draft_event.live
    spanish = translate_page(alert, "es", title="Manifestación", event=draft_event)

    rendered = render_email(spanish, language="es")

    assert spanish.linked_event() == event
    assert "Federal Plaza" in rendered.html
    assert "hora de Chicago" in rendered.text


def test_an_alert_email_carries_what_when_where_and_its_calendar_row_in_order(
    home_page,
):
    """The alert form's "What" becomes the event's description: the e-mail shows it
    (the README promises the message, then what, when, where). In Arabic a
    right-to-left mark follows each dot of the calendar row, as in bulletins."""
    from cms.email.rendering import render_email
    from tests.factories import build_bulletin_index, build_event

    alert_site(home_page)
    event = build_event(
        title="Rally at the DHS office",
        venue="Federal Plaza",
        description="<p>Bring water and a sign.</p>",
    )
    alert = AlertPage(title="Rally", slug="rally-what", message="<p>Join us.</p>")
    alert.event = event
    build_bulletin_index(home_page).add_child(instance=alert)
    alert.save_revision().publish()

    english = render_email(alert, language="en")
    assert "Bring water and a sign." in english.html
    assert "Bring water and a sign." in english.text
    assert english.text.index("Bring water") < english.text.index("When:")
    arabic = render_email(alert, language="ar").html
    assert ">Google</a> ·\u200f <a" in arabic
    assert ">Outlook.com</a>) ·\u200f <a" in arabic


def test_a_cancellation_without_a_message_says_so_in_each_readers_language(
    home_page, fake_esp
):
    """The default sentence was worked out once, in the organizer's admin language,
    and stored in every translation: Spanish and Arabic readers got it in English."""
    from django.test import Client
    from django.utils import translation

    from cms.languages import localized_url
    from tests.campaigns.mailing_fixtures import subscribe

    alert_site(home_page)
    legal, outreach = audience()
    subscribe("omar@example.org", [legal], language="ar")
    user = organizer("olga", [legal, outreach])
    spanish = {
        "title": "Manifestación",
        "what": "",
        "message": "Vengan.",
        "machine_tool": "",
    }
    mailing = rally(user, [legal.pk], translations={"es": spanish})

    with translation.override("pl"):  # the organizer's admin language
        cancellation = alerts.cancel_event(user=user, mailing_id=mailing.pk)
    start_and_send(cancellation.pk)

    english = "This event is cancelled."
    readers = {
        # Spanish: the alert's Spanish translation. Arabic: it has none, so the
        # English page, marked English, with the sentence in Arabic.
        "es": ("ana@example.org", "Este evento está cancelado."),
        "ar": ("omar@example.org", "هذه الفعالية ملغاة."),
        "en": ("grace@example.org", english),
    }
    rows = {row.to: row for row in fake_esp.delivered}
    assert sorted(rows) == sorted(address for address, _ in readers.values())
    page = cancellation.page.specific
    for language, (address, sentence) in readers.items():
        assert sentence in rows[address].text, language
        assert sentence in rows[address].html, language
        shown = Client().get(localized_url(page, language)).content.decode()
        assert sentence in shown, language
        if language != "en":
            assert english not in rows[address].text + rows[address].html, language
            assert english not in shown, language


def test_a_cancellation_message_the_organizer_wrote_reaches_every_reader_as_written(
    home_page,
):
    """As written, after the sentence in the reader's own language: a reader of a
    language the alert has no translation for may read no English."""
    from cms.email.rendering import render_email

    alert_site(home_page)
    (legal,) = audience(1)
    user = organizer("olga", [legal])
    mailing = rally(user, [legal.pk])

    cancellation = alerts.cancel_event(
        user=user, mailing_id=mailing.pk, message="Called off: stay safe."
    )

    sentences = {"es": "Este evento está cancelado.", "ar": "هذه الفعالية ملغاة."}
    for language, sentence in sentences.items():
        rendered = render_email(cancellation.page, language=language)
        assert "Called off: stay safe." in rendered.text, language
        assert "Called off: stay safe." in rendered.html, language
        assert rendered.text.index(sentence) < rendered.text.index("Called off")
    english = render_email(cancellation.page, language="en")
    assert "This event is cancelled." not in english.html + english.text


def test_a_rally_whose_what_was_not_translated_marks_it_english_in_that_language(
    home_page, client
):
    """The organizer gave Arabic and Polish a title and message but no "what": their
    event pages and alert e-mails keep the English words, marked as English and left
    to right (an Arabic page showed the full stop at the sentence's start, and screen
    readers read it with an Arabic voice); a "what" written in Polish is not marked."""
    import re

    from wagtail.models import Locale

    from cms.email.rendering import render_email

    alert_site(home_page)
    legal, _outreach = audience()
    user = organizer("olga", [legal])
    mailing = rally(
        user,
        [legal.pk],
        what="Bring signs, water and a friend.",
        translations={
            "ar": {
                "title": "مسيرة أمام مكتب الأمن الداخلي",
                "message": "انضموا إلينا.",
            },
            "pl": {
                "title": "Wiec przed biurem DHS",
                "what": "Weź transparent, wodę i przyjaciela.",
                "message": "Dołącz do nas.",
            },
        },
    )
    event = EventPage.objects.get(title="Rally at the DHS office")
    arabic = event.get_translation(Locale.objects.get(language_code="ar"))
    polish = event.get_translation(Locale.objects.get(language_code="pl"))
    english_words = re.compile(
        r'<div lang="en" dir="ltr"><p[^>]*>Bring signs, water and a friend\.</p></div>'
    )

    page = client.get(arabic.url).content.decode()
    assert english_words.search(page), "the English what on the Arabic page"
    alert = mailing.page.specific
    arabic_alert = alert.get_translation(Locale.objects.get(language_code="ar"))
    assert english_words.search(render_email(arabic_alert, language="ar").html)

    polish_page = client.get(polish.url).content.decode()
    assert "Weź transparent, wodę i przyjaciela." in polish_page
    assert not re.search(r'lang="en"[^>]*><p>Weź', polish_page)
    english_page = client.get(event.url).content.decode()
    assert "Bring signs, water and a friend." in english_page
    assert not english_words.search(english_page), "English needs no mark in English"
