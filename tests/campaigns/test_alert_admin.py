"""The organizer's screens: one form to a previewed draft alert, send, approve, update,
cancel; refusals and bad input answered in the page, never a 500 or a partial write."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.alert_forms import AlertUpdateForm
from campaigns.mailings.models import Mailing
from cms.models import AlertPage
from events.models import EventPage
from tests.campaigns.alert_fixtures import alert_site, audience, organizer
from tests.factories import build_event, speaking

pytestmark = pytest.mark.django_db


def chicago(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def site(home_page):
    alert_site(home_page)
    legal, outreach = audience()
    return legal, outreach


def rally_form(lists, **fields):
    return {
        "title": "Rally at the DHS office",
        "what": "Press conference & rally",
        "start": chicago(timezone.now() + timedelta(hours=3)),
        "venue": "Federal Plaza",
        "address": "101 W Ida B Wells Dr",
        "message": "Join us <b>now</b>.",
        "lists": [lst.pk for lst in lists],
        **fields,
    }


def test_organizer_flow_form_preview_send(
    client, site, django_capture_on_commit_callbacks
):
    legal, outreach = site
    user = organizer("olga", [legal, outreach])
    client.force_login(user)
    form = client.get(reverse("campaigns_mailings:rally_alert"))
    assert form.status_code == 200
    assert "Address on RSVP only" in form.content.decode()

    response = client.post(
        reverse("campaigns_mailings:rally_alert"), rally_form([legal, outreach])
    )
    mailing = Mailing.objects.get()
    assert response.url == reverse("campaigns_mailings:alert", args=[mailing.pk])
    detail = client.get(response.url).content.decode()
    assert "Send the alert to 2 people" in detail
    preview = client.get(reverse("campaigns_mailings:alert_preview", args=[mailing.pk]))
    html = preview.content.decode()
    assert "Join us &lt;b&gt;now&lt;/b&gt;." in html, "organizer text is escaped"
    assert "Federal Plaza" in html
    assert "Chicago time" in html

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        question = client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk])
        )
    assert "Send this alert to 2 people in 2 languages on 2 lists?" in (
        question.content.decode()
    ), "the first press only asks, naming the audience"
    assert Mailing.objects.get().status == Mailing.Status.DRAFT
    assert not callbacks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    assert Mailing.objects.get().status == Mailing.Status.STARTING
    assert len(callbacks) == 1


def test_form_offers_only_lists_the_organizer_holds_and_refuses_others(client, site):
    legal, outreach = site
    user = organizer("olga", [legal])
    client.force_login(user)
    page = client.get(reverse("campaigns_mailings:rally_alert")).content.decode()
    assert legal.name in page
    assert outreach.name not in page
    response = client.post(
        reverse("campaigns_mailings:rally_alert"), rally_form([legal, outreach])
    )
    assert response.status_code == 200
    assert not Mailing.objects.exists()
    assert not EventPage.objects.exists()


def test_bad_input_is_answered_in_the_users_language(client, site):

    legal, _ = site
    user = organizer("olga", [legal])
    speaking(user, "es")
    client.force_login(user)
    past = chicago(timezone.now() - timedelta(hours=1))
    response = client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form([legal], start=past),
    )
    assert response.status_code == 200
    assert "futuro" in response.content.decode()
    response = client.post(
        reverse("campaigns_mailings:rally_alert"), rally_form([legal], start="soon")
    )
    assert response.status_code == 200
    assert not Mailing.objects.exists()
    assert not EventPage.objects.exists()


def test_rally_alert_sets_the_capacity_and_the_waitlist_in_every_language(client, site):
    """A Know Your Rights rally in a small room: the organizer gives the capacity on
    the alert screen. Without it the rally went out with unlimited places, and the
    capacity sat in the page editor's RSVP panel, which organizers need no rights on."""
    legal, _outreach = site
    user = organizer("olga", [legal])
    client.force_login(user)
    form = client.get(reverse("campaigns_mailings:rally_alert")).content.decode()
    assert 'name="capacity"' in form
    assert "people who RSVP go on a waitlist" in form

    refused = client.post(
        reverse("campaigns_mailings:rally_alert"), rally_form([legal], capacity="0")
    )
    assert refused.status_code == 200
    assert not EventPage.objects.exists(), "nothing written"

    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            capacity="5",
            title_es="Mitin en DHS",
            what_es="Conferencia de prensa",
            message_es="Vengan ya.",
        ),
    )
    events = EventPage.objects.all()
    assert {event.locale.language_code for event in events} == {"en", "es"}
    assert {(event.capacity, event.waitlist) for event in events} == {(5, True)}


def test_a_language_without_its_message_is_refused_not_dropped(client, site):
    """A volunteer translated the title and "what" into Polish but not the message:
    the alert was created without a word and Polish readers got English (the page,
    the event and the e-mail), their work lost. Now the form asks, keeping it all."""
    legal, _outreach = site
    user = organizer("olga", [legal])
    client.force_login(user)
    response = client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form([legal], title_pl="Wiec w DHS", what_pl="Konferencja prasowa"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the short message in this language too" in html
    assert 'value="Wiec w DHS"' in html, "what was typed is kept"
    assert not EventPage.objects.exists(), "nothing written"
    assert not Mailing.objects.exists()

    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            title_pl="Wiec w DHS",
            what_pl="Konferencja prasowa",
            message_pl="Przyjdźcie teraz.",
        ),
    )
    assert EventPage.objects.filter(locale__language_code="pl").get().title == (
        "Wiec w DHS"
    )


def test_send_as_alert_on_an_event_page(client, site):
    legal, _ = site
    event = build_event(
        title="Lobby day", start=timezone.now() + timedelta(hours=5), kind="rally"
    )
    user = organizer("olga", [legal])
    client.force_login(user)
    url = reverse("campaigns_mailings:event_alert", args=[event.pk])
    from wagtail import hooks

    buttons = [
        button
        for hook in hooks.get_hooks("register_page_header_buttons")
        for button in hook(page=event, user=user, view_name="edit")
    ]
    assert url in [button.url for button in buttons]
    response = client.post(url, {"message": "Come!", "lists": [legal.pk]})
    mailing = Mailing.objects.get()
    assert response.url == reverse("campaigns_mailings:alert", args=[mailing.pk])
    assert mailing.page.specific.event_id == event.pk
    assert mailing.send_by == event.start


def test_pending_alert_on_the_approvers_dashboard_and_approve(
    client, site, django_capture_on_commit_callbacks
):
    legal, outreach = site
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    approver = organizer("sam", [legal], group_name="Organizers")
    client.force_login(author)
    client.post(reverse("campaigns_mailings:rally_alert"), rally_form([legal]))
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    assert Mailing.objects.get().status == Mailing.Status.AWAITING_APPROVAL
    assert (
        "Alerts waiting for your approval" not in client.get("/admin/").content.decode()
    )
    client.post(
        reverse("campaigns_mailings:alert_approve", args=[mailing.pk]),
        {"confirmed": "1"},
    )
    assert Mailing.objects.get().status == Mailing.Status.AWAITING_APPROVAL

    client.force_login(approver)
    dashboard = client.get("/admin/").content.decode()
    assert "Alerts waiting for your approval" in dashboard
    assert reverse("campaigns_mailings:alert", args=[mailing.pk]) in dashboard
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("campaigns_mailings:alert_approve", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    assert Mailing.objects.get().status == Mailing.Status.STARTING
    assert len(callbacks) == 1


def test_an_approved_alert_says_who_approved_it_not_that_it_waits(
    client, site, django_capture_on_commit_callbacks
):
    """After the second person approved, the alert screen kept saying "needs a
    second person's approval before it goes out. They can approve it: sam." while the
    alert was going out: an organizer on rally day could not tell it had left."""
    legal, _outreach = site
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    approver = organizer("sam", [legal], group_name="Organizers")
    client.force_login(author)
    client.post(reverse("campaigns_mailings:rally_alert"), rally_form([legal]))
    mailing = Mailing.objects.get()
    screen = reverse("campaigns_mailings:alert", args=[mailing.pk])
    waiting = "approval before it goes out"
    assert waiting in client.get(screen).content.decode(), "a draft says it will wait"
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    assert waiting in client.get(screen).content.decode()

    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_approve", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    for user in (approver, author):
        client.force_login(user)
        html = client.get(screen).content.decode()
        assert waiting not in html
        assert "They can approve it" not in html
        assert "Approved by sam." in html


def test_update_and_cancel_from_the_alert_screen(
    client, site, django_capture_on_commit_callbacks
):
    legal, _ = site
    user = organizer("olga", [legal])
    client.force_login(user)
    client.post(reverse("campaigns_mailings:rally_alert"), rally_form([legal]))
    first = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("campaigns_mailings:alert_update", args=[first.pk]),
            {
                "message": "Moved to the south entrance.",
                "venue": "South entrance",
                "confirmed": "1",
            },
        )
    update = Mailing.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("campaigns_mailings:alert", args=[update.pk])
    assert update.page.specific.kind == AlertPage.Kind.UPDATE
    assert EventPage.objects.get().venue == "South entrance"

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_cancel_event", args=[first.pk]),
            {"message": "", "notify": "on", "confirmed": "1"},
        )
    assert EventPage.objects.get().cancelled
    assert Mailing.objects.count() == 3
    again = client.post(
        reverse("campaigns_mailings:alert_cancel_event", args=[first.pk]),
        {"notify": "on", "confirmed": "1"},
        follow=True,
    )
    assert "already cancelled" in again.content.decode()
    assert Mailing.objects.count() == 3


def test_someone_without_the_lists_cannot_see_or_act(client, site):
    legal, outreach = site
    author = organizer("olga", [legal, outreach])
    outsider = organizer("omar", [outreach])
    client.force_login(author)
    client.post(
        reverse("campaigns_mailings:rally_alert"), rally_form([legal, outreach])
    )
    mailing = Mailing.objects.get()
    client.force_login(outsider)
    for name in ("alert", "alert_preview"):
        response = client.get(reverse(f"campaigns_mailings:{name}", args=[mailing.pk]))
        assert response.status_code in (302, 403)
    client.post(
        reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
        {"confirmed": "1"},
    )
    assert Mailing.objects.get().status == Mailing.Status.DRAFT
    assert (
        client.get(reverse("campaigns_mailings:alert", args=[99999])).status_code == 404
    )


def test_alert_times_are_the_browsers_own_picker_in_chicago_time(client, site):
    """Wagtail's picker rewrote a time it could not read (12/05/2026 5:30 PM) to the
    current time on blur; the browser's datetime-local only sends a whole time."""
    import re

    legal, _ = site
    client.force_login(organizer("olga", [legal]))
    page = client.get(reverse("campaigns_mailings:rally_alert")).content.decode()
    for name in ("start", "end"):
        tag = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', page).group(0)
        assert 'type="datetime-local"' in tag
        assert "w-date" not in tag, "no Wagtail date picker on it"
    assert "Chicago time (America/Chicago)" in page, "the zone, in the help text"

    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            start=start.strftime("%Y-%m-%dT%H:%M"),
            end=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    event = EventPage.objects.get()
    assert (event.start, event.end) == (start, start + timedelta(hours=1))

    update = AlertUpdateForm()
    for name in ("start", "end"):
        assert 'type="datetime-local"' in str(update[name]), "an update's times too"


def _ask_discard(client, mailing) -> str:
    """The first press of "Discard": a confirmation screen, nothing changed yet."""
    status = Mailing.objects.get(pk=mailing.pk).status
    live = AlertPage.objects.live().count(), EventPage.objects.live().count()
    asked = client.post(reverse("campaigns_mailings:cancel", args=[mailing.pk]))
    assert asked.status_code == 200
    assert Mailing.objects.get(pk=mailing.pk).status == status
    assert (AlertPage.objects.live().count(), EventPage.objects.live().count()) == live
    return asked.content.decode()


def _discard(client, mailing) -> str:
    """Discard, confirmed on the screen the first press shows."""
    assert 'name="confirmed" value="1"' in _ask_discard(client, mailing)
    return client.post(
        reverse("campaigns_mailings:cancel", args=[mailing.pk]),
        {"confirmed": "1"},
        follow=True,
    ).content.decode()


def test_discarding_a_draft_rally_alert_takes_its_pages_off_the_site(client, site):
    """A rally alert publishes its event and alert page at once (the mailing renders
    from live pages); discarding the draft must not leave the rally on the site."""
    legal, _ = site
    client.force_login(organizer("olga", [legal]))
    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            title_es="Mitin en la oficina de DHS",
            what_es="Conferencia de prensa",
            message_es="Únase a nosotros.",
        ),
    )
    mailing = Mailing.objects.get()
    event = EventPage.objects.get(locale__language_code="en")
    assert EventPage.objects.live().count() == 2, "English and Spanish, before"
    assert AlertPage.objects.live().count() == 2
    assert client.get(event.url).status_code == 200

    asked = _ask_discard(client, mailing)
    assert "Discard this alert? It was to go to" in asked
    assert "comes off the site too: this alert published it" in asked
    assert "Yes, discard the alert" in asked
    screen = _discard(client, mailing)

    assert "the alert and its event are off the site" in screen
    assert Mailing.objects.get().status == Mailing.Status.CANCELLED
    assert not EventPage.objects.live().exists()
    assert not AlertPage.objects.live().exists()
    assert client.get(event.url).status_code == 404


def test_discarding_an_alert_about_an_existing_event_leaves_the_event(client, site):
    legal, _ = site
    event = build_event(title="Lobby day", start=timezone.now() + timedelta(hours=5))
    client.force_login(organizer("olga", [legal]))
    client.post(
        reverse("campaigns_mailings:event_alert", args=[event.pk]),
        {"message": "Come!", "lists": [legal.pk]},
    )

    asked = _ask_discard(client, Mailing.objects.get())
    assert "Its event “Lobby day” stays published." in asked
    assert "comes off the site too" not in asked
    screen = _discard(client, Mailing.objects.get())

    assert "the event it was about stays published" in screen
    assert not AlertPage.objects.live().exists()
    assert EventPage.objects.get(pk=event.pk).live


def test_discarding_a_rally_people_rsvped_to_keeps_the_event_and_says_so(client, site):
    from events.services import record_rsvp

    legal, _ = site
    client.force_login(organizer("olga", [legal]))
    client.post(reverse("campaigns_mailings:rally_alert"), rally_form([legal]))
    event = EventPage.objects.get()
    record_rsvp(event_id=event.pk, name="Ana", email="ana@example.org", language="es")

    asked = _ask_discard(client, Mailing.objects.get())
    assert "Its event “Rally at the DHS office” stays published." in asked
    screen = _discard(client, Mailing.objects.get())

    assert "stays published, since people have RSVPed" in screen
    assert "Rally at the DHS office" in screen
    assert EventPage.objects.get().live, "its guests would not be told otherwise"
    assert not AlertPage.objects.live().exists()


def test_cancelling_an_alert_that_went_out_leaves_its_pages(
    client, site, django_capture_on_commit_callbacks
):
    legal, _ = site
    client.force_login(organizer("olga", [legal]))
    client.post(reverse("campaigns_mailings:rally_alert"), rally_form([legal]))
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )

    # Stopping a send that has started is not a discard: it asks as a mailing does.
    url = reverse("campaigns_mailings:cancel", args=[mailing.pk])
    assert "Yes, cancel the mailing" in client.post(url).content.decode()
    assert Mailing.objects.get().status != Mailing.Status.CANCELLED
    client.post(url, {"confirmed": "1"})

    assert Mailing.objects.get().status == Mailing.Status.CANCELLED
    assert EventPage.objects.get().live, "people were sent its link"
    assert AlertPage.objects.get().live


def test_alert_times_are_chicago_time_whatever_the_accounts_time_zone(client, site):
    """The admin reads form times in the account's time zone; the alert's fields say
    Chicago time, so they are read as Chicago time."""
    from zoneinfo import ZoneInfo

    from wagtail.users.models import UserProfile

    legal, _ = site
    user = organizer("olga", [legal])
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "Europe/Warsaw"
    profile.save()
    client.force_login(user)
    chicago_zone = ZoneInfo("America/Chicago")
    start = (timezone.now() + timedelta(days=2)).astimezone(chicago_zone)
    start = start.replace(second=0, microsecond=0)

    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form([legal], start=start.strftime("%Y-%m-%dT%H:%M")),
    )

    assert EventPage.objects.get().start == start


def _value(html: str, field_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)[0]
    found = re.search(r'value="([^"]*)"', tag)
    return found[1] if found else ""


def test_the_update_form_shows_the_event_as_it_is_and_changes_only_what_changed(
    client, site, django_capture_on_commit_callbacks
):
    """The update form was empty: an organizer fixing the address had to look the
    time up elsewhere, and could not see what readers had been told."""
    legal, _ = site
    client.force_login(organizer("olga", [legal]))
    start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            start=chicago(start),
            end=chicago(start + timedelta(hours=2)),
        ),
    )
    first = Mailing.objects.get()
    Mailing.objects.filter(pk=first.pk).update(status=Mailing.Status.SENT)
    screen = client.get(reverse("campaigns_mailings:alert", args=[first.pk]))
    html = screen.content.decode()
    shown = {
        name: _value(html, f"update-{name}")
        for name in ("start", "end", "venue", "address")
    }
    local = timezone.localtime(start)
    assert shown == {
        "start": local.strftime("%Y-%m-%dT%H:%M"),
        "end": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Federal Plaza",
        "address": "101 W Ida B Wells Dr",
    }
    assert "Chicago time" in html

    # Sent back as shown, with the venue changed: only the venue changes.
    form = {**shown, "venue": "South entrance", "message": "Moved inside."}
    asked = client.post(
        reverse("campaigns_mailings:alert_update", args=[first.pk]), form
    ).content.decode()
    assert "New venue: South entrance" in asked
    assert "New start" not in asked
    assert "New end" not in asked
    untouched = client.post(
        reverse("campaigns_mailings:alert_update", args=[first.pk]),
        {**shown, "message": "Still on."},
    ).content.decode()
    assert "No change to the time or place." in untouched

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_update", args=[first.pk]),
            {**form, "confirmed": "1"},
        )
    event = EventPage.objects.get()
    assert (event.venue, event.start, event.end) == (
        "South entrance",
        start,
        start + timedelta(hours=2),
    )


def test_approval_screen_shows_every_language_version_that_goes_out(
    client, site, django_capture_on_commit_callbacks
):
    """The approver of a held alert saw only the English subject and message under
    "What goes out": the Spanish and Arabic readers' words went out unseen by the
    second person the rule is there for."""
    legal, _outreach = site
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    approver = organizer("sam", [legal], group_name="Organizers")
    client.force_login(author)
    client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form(
            [legal],
            title_es="Mitin en la oficina de DHS",
            what_es="Conferencia de prensa",
            message_es="Vengan ya.",
            title_ar="تجمع أمام مكتب الأمن الداخلي",
            what_ar="مؤتمر صحفي",
            message_ar="انضموا إلينا الآن.",
        ),
    )
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    client.force_login(approver)
    response = client.post(
        reverse("campaigns_mailings:alert_approve", args=[mailing.pk])
    )
    html = response.content.decode()
    assert Mailing.objects.get().status == Mailing.Status.AWAITING_APPROVAL
    outgoing = html.split("What goes out", 1)[1]
    assert re.search(
        r'<dd lang="es" dir="ltr">Mitin en la oficina de DHS</dd>', outgoing
    )
    assert re.search(r'<dd lang="es" dir="ltr">Vengan ya.</dd>', outgoing)
    assert re.search(
        r'<dd lang="ar" dir="rtl">تجمع أمام مكتب الأمن الداخلي</dd>', outgoing
    )
    assert re.search(r'<dd lang="ar" dir="rtl">انضموا إلينا الآن.</dd>', outgoing)
    assert re.search(r'<dd lang="en" dir="ltr">Rally at the DHS office</dd>', outgoing)
    note = re.search(
        r"Readers of ([^<]*) have no version of their own: "
        r"they get the ([^<]*) version",
        html,
    )
    assert note, "the languages without a version are named"
    assert "Hindi" in note[1]
    assert "Polish" in note[1]
    assert "Spanish" not in note[1]
    assert "English" in note[2]


@pytest.mark.parametrize("start", ["0026-12-15 18:00", "9999-12-15 18:00"])
def test_a_rally_in_a_year_no_event_has_is_refused_in_the_form(client, site, start):
    """The event editor refuses them (a two-digit year typed in the browser's picker,
    a placeholder 9999 that left the editor and every calendar feed answering 500);
    the rally alert builds the same event and is refused in the form the same way."""
    legal, outreach = site
    client.force_login(organizer("olga", [legal, outreach]))
    response = client.post(
        reverse("campaigns_mailings:rally_alert"),
        rally_form([legal, outreach], start=start),
    )
    assert response.status_code == 200
    assert "Check the year: give all four digits, between 2000 and 2100." in (
        response.content.decode()
    )
    assert not Mailing.objects.exists()
    assert not EventPage.objects.exists()
