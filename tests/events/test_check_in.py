"""The organizers' check-in list: confirmed guests' names only (no e-mail address, no
private address), check-in marks and a count, a printable version, a CSV of counts;
allowed with the check-in permission, for the events offering a list the user may
view (all for an administrator), as in the RSVP admin."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from events.models import Rsvp
from subscribers.models import ListPermission
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp
from tests.factories import MailingListFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def door_keeper_for(mailing_list, username: str = "door"):
    """A volunteer at the door of ``mailing_list``'s events: admin access, the
    check-in permission and "view" on that list, nothing else."""
    group = Group.objects.create(name=f"Door {mailing_list.name}")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="check_in_rsvp"),
    )
    ListPermission.objects.create(
        group=group, mailing_list=mailing_list, permission="view"
    )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def legal(db):
    return MailingListFactory(name="Legal", slug="legal")


@pytest.fixture
def door_keeper(legal):
    return door_keeper_for(legal)


@pytest.fixture
def event(home_page, sender_queued, legal):
    event = guest_event(capacity=2, rsvp_list=legal)
    rsvp(event, "Zofia Nowak", "zofia@example.org", "pl")
    rsvp(event, "ana lópez", "ana@example.org", "es")
    rsvp(event, "Omar Haddad", "omar@example.org", "ar")  # waitlisted
    return event


def test_names_only_with_marks_and_a_count(client, event, door_keeper):
    client.force_login(door_keeper)
    url = reverse("events_checkin:event", args=[event.pk])

    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("ana lópez") < body.index("Zofia Nowak"), "by name"
    assert "Omar Haddad" not in body, "confirmed guests only"
    for private in ("@example.org", PRIVATE_ADDRESS):
        assert private not in body
    assert "0 of 2 confirmed guests checked in" in body
    assert "1 on the waitlist" in body

    zofia = Rsvp.objects.get(email_hash=rsvp(event, "", "zofia@example.org").email_hash)
    marked = client.post(
        reverse("events_checkin:mark", args=[event.pk]),
        {"rsvp": zofia.pk, "present": "1"},
    )
    assert marked.status_code == 302
    assert marked["Location"].endswith(f"#guest-{zofia.pk}")
    assert "1 of 2 confirmed guests checked in" in client.get(url).content.decode()
    printable = client.get(url + "?print=1").content.decode()
    assert "Zofia Nowak" in printable
    assert "✔" in printable
    assert "@example.org" not in printable
    client.post(
        reverse("events_checkin:mark", args=[event.pk]),
        {"rsvp": zofia.pk, "present": "0"},
    )
    assert Rsvp.objects.get(pk=zofia.pk).checked_in_at is None
    found = client.get(url, {"q": "ZOF"}).content.decode()
    assert "Zofia Nowak" in found
    assert "ana lópez" not in found


def test_a_name_is_found_as_the_volunteer_hears_it(
    client, home_page, sender_queued, door_keeper, legal
):
    """The tester's case: "jose" found no José, "lukasz" no Łukasz. Accents and
    letters a phone keyboard lacks are folded; other scripts are found as written."""
    event = guest_event(capacity=None, rsvp_list=legal)
    names = ["José Martínez", "Łukasz Wójcik", "Jørgen Løvland", "अनीता शर्मा"]
    names += ["李小龍", "Zofia Nowak"]
    for n, name in enumerate(names):
        rsvp(event, name, f"g{n}@example.org")
    client.force_login(door_keeper)
    url = reverse("events_checkin:event", args=[event.pk])

    def found(query):
        body = client.get(url, {"q": query}).content.decode()
        return [name for name in names if name in body]

    assert found("jose") == ["José Martínez"]
    assert found("MARTINEZ") == ["José Martínez"]
    assert found("lukasz") == ["Łukasz Wójcik"]
    assert found("wojcik") == ["Łukasz Wójcik"]
    assert found("jorgen") == ["Jørgen Løvland"]
    assert found("शर्मा") == ["अनीता शर्मा"]
    assert found("小龍") == ["李小龍"]
    assert found("José") == ["José Martínez"], "typed with its accent, as before"


def test_only_confirmed_guests_of_this_event_can_be_marked(client, event, door_keeper):
    other = guest_event(title="Lobby day")
    stranger = rsvp(other, "Kai", "kai@example.org")
    omar = Rsvp.objects.get(status="waitlisted")
    client.force_login(door_keeper)
    mark = reverse("events_checkin:mark", args=[event.pk])
    for pk in (stranger.pk, omar.pk):
        client.post(mark, {"rsvp": pk, "present": "1"})
        assert Rsvp.objects.get(pk=pk).checked_in_at is None
    assert client.post(mark, {"rsvp": "x", "present": "1"}).status_code == 400
    assert client.get(mark).status_code == 405


def test_attendance_csv_has_counts_and_no_people(client, event, door_keeper):
    client.force_login(door_keeper)
    ana = Rsvp.objects.get(email_hash=rsvp(event, "", "ana@example.org").email_hash)
    client.post(
        reverse("events_checkin:mark", args=[event.pk]),
        {"rsvp": ana.pk, "present": "1"},
    )
    response = client.get(reverse("events_checkin:attendance_csv"), {"event": event.pk})
    assert response.content.startswith(b"\xef\xbb\xbfEvent,"), "a mark, for Excel"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == [
        "Event",
        "Starts",
        "Capacity",
        "Confirmed",
        "Checked in",
        "Waitlisted",
        "Cancelled",
        "Not confirmed by e-mail",
    ]
    assert rows[1][0] == "Know Your Rights session"
    assert rows[1][2:] == ["2", "2", "1", "1", "0", "0"]
    for private in ("@example.org", "ana", "Zofia", PRIVATE_ADDRESS):
        assert private not in text
    bad = client.get(reverse("events_checkin:attendance_csv"), {"event": "١"})
    assert bad.status_code == 400


def test_people_without_the_permission_are_refused(client, event):
    outsider = UserFactory(username="editor", is_staff=True)
    outsider.groups.add(Group.objects.get_or_create(name="Editors")[0])
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    for url in (
        reverse("events_checkin:index"),
        reverse("events_checkin:event", args=[event.pk]),
        reverse("events_checkin:attendance_csv"),
    ):
        assert client.get(url).status_code in (302, 403), url
    ana = Rsvp.objects.filter(status="confirmed").first()
    response = client.post(
        reverse("events_checkin:mark", args=[event.pk]),
        {"rsvp": ana.pk, "present": "1"},
    )
    assert response.status_code in (302, 403)
    assert Rsvp.objects.get(pk=ana.pk).checked_in_at is None
    client.logout()
    assert client.get(reverse("events_checkin:index")).status_code == 302


def test_index_and_page_header_button(client, event):
    client.force_login(SuperuserFactory())
    index = client.get(reverse("events_checkin:index")).content.decode()
    assert "Know Your Rights session" in index
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    assert reverse("events_checkin:event", args=[event.pk]) in edit.content.decode()


@pytest.fixture
def outreach_event(home_page, sender_queued):
    """Another subcommittee's event, with a confirmed guest."""
    outreach = MailingListFactory(name="Outreach", slug="outreach")
    event = guest_event(title="Tenant rights night", rsvp_list=outreach)
    rsvp(event, "Omar Haddad", "omar@example.org", "ar")
    return event


def check_in_answers(client, event) -> dict[str, int]:
    """The status of every check-in URL of ``event``, GET and POST (a POST marks its
    first confirmed guest as arrived)."""
    guest = Rsvp.objects.filter(event=event, status="confirmed").first()
    page = reverse("events_checkin:event", args=[event.pk])
    mark = reverse("events_checkin:mark", args=[event.pk])
    csv_url = reverse("events_checkin:attendance_csv")
    return {
        "list": client.get(page).status_code,
        "print": client.get(page, {"print": "1"}).status_code,
        "search": client.get(page, {"q": "a"}).status_code,
        "mark": client.post(mark, {"rsvp": guest.pk, "present": "1"}).status_code,
        "csv": client.get(csv_url, {"event": event.pk}).status_code,
    }


def header_buttons(page, user) -> list:
    from events.wagtail_hooks import page_header_check_in_button

    return list(page_header_check_in_button(page, user))


def test_a_door_keeper_sees_only_their_lists_events(
    client, event, outreach_event, door_keeper
):
    """The Legal door keeper neither sees nor checks in the Outreach event's guests,
    by any URL; its answers are those of an event that does not exist."""
    client.force_login(door_keeper)
    index = client.get(reverse("events_checkin:index")).content.decode()
    assert "Know Your Rights session" in index
    assert "Tenant rights night" not in index
    everything = client.get(reverse("events_checkin:attendance_csv")).content.decode(
        "utf-8-sig"
    )
    assert "Know Your Rights session" in everything
    assert "Tenant rights night" not in everything

    hidden = check_in_answers(client, outreach_event)
    assert hidden == dict.fromkeys(hidden, 404)
    assert not Rsvp.objects.filter(event=outreach_event).exclude(checked_in_at=None)
    spanish = outreach_event.get_translations().get(locale__language_code="es")
    url = reverse("events_checkin:event", args=[spanish.pk])
    assert client.get(url).status_code == 404, "nor through a translation"
    missing = outreach_event.pk + 10_000
    missing_page = reverse("events_checkin:event", args=[missing])
    assert client.get(missing_page).status_code == 404
    csv_url = reverse("events_checkin:attendance_csv")
    assert client.get(csv_url, {"event": missing}).status_code == 404
    assert not header_buttons(outreach_event, door_keeper), "no button to a 404"
    assert header_buttons(event, door_keeper)

    own = check_in_answers(client, event)
    assert own == {"list": 200, "print": 200, "search": 200, "mark": 302, "csv": 200}
    assert Rsvp.objects.filter(event=event).exclude(checked_in_at=None).count() == 1


def test_an_event_offering_no_list_is_an_administrators(client, event, door_keeper):
    unlisted = guest_event(title="Lobby day")
    rsvp(unlisted, "Kai", "kai@example.org")
    client.force_login(door_keeper)
    answers = check_in_answers(client, unlisted)
    assert answers == dict.fromkeys(answers, 404)

    client.force_login(SuperuserFactory())
    assert check_in_answers(client, unlisted)["list"] == 200


def test_an_administrator_sees_every_event(client, event, outreach_event):
    client.force_login(SuperuserFactory())
    index = client.get(reverse("events_checkin:index")).content.decode()
    assert "Know Your Rights session" in index
    assert "Tenant rights night" in index
    everything = client.get(reverse("events_checkin:attendance_csv")).content.decode(
        "utf-8-sig"
    )
    assert "Tenant rights night" in everything
    for shown in (event, outreach_event):
        answers = check_in_answers(client, shown)
        assert answers == {
            "list": 200,
            "print": 200,
            "search": 200,
            "mark": 302,
            "csv": 200,
        }
    page = client.get(reverse("events_checkin:event", args=[outreach_event.pk]))
    assert "Omar Haddad" in page.content.decode()
    assert "omar@example.org" not in page.content.decode(), "names only, as before"


def test_the_organizer_of_a_rally_alert_sees_its_guests(
    client, home_page, sender_queued, legal, door_keeper
):
    """A rally published from the alert screen offers no list; the organizer who
    alerted their list to it (view and send on it, as the demo's Organizers) sees who
    is coming and checks them in at the door, as does the list's door keeper; the
    door keeper of another list still gets the answers of an event that does not
    exist."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.mailings.services import alerts
    from tests.campaigns.alert_fixtures import alert_site, organizer

    alert_site(home_page)
    maria = organizer("maria", [legal])
    ListPermission.objects.create(
        group=maria.groups.get(), mailing_list=legal, permission="view"
    )
    maria.groups.get().permissions.add(Permission.objects.get(codename="check_in_rsvp"))
    mailing = alerts.create_rally_alert(
        user=maria,
        title="Rally at Federal Plaza",
        what="Stand with our neighbors",
        start=timezone.now() + timedelta(hours=10),
        venue="Federal Plaza",
        address="230 S Dearborn St",
        message="Join us at 9 tomorrow.",
        list_ids=[legal.pk],
        translations={"es": {"message": "Únase mañana a las 9."}},
    )
    rally = mailing.page.specific.event
    assert rally.rsvp_list is None
    rsvp(rally, "Zofia Nowak", "zofia@example.org", "pl")

    client.force_login(maria)
    assert "Rally at Federal Plaza" in client.get(reverse("events_checkin:index")).text
    answers = check_in_answers(client, rally)
    assert answers == {
        "list": 200,
        "print": 200,
        "search": 200,
        "mark": 302,
        "csv": 200,
    }
    assert (
        "Zofia Nowak"
        in client.get(reverse("events_checkin:event", args=[rally.pk])).text
    )
    spanish = rally.get_translations().get(locale__language_code="es")
    url = reverse("events_checkin:event", args=[spanish.pk])
    assert client.get(url).status_code == 200, "through its translation too"

    client.force_login(door_keeper)
    assert (
        client.get(reverse("events_checkin:event", args=[rally.pk])).status_code == 200
    )

    other = door_keeper_for(MailingListFactory(name="Outreach", slug="outreach"), "o")
    client.force_login(other)
    hidden = check_in_answers(client, rally)
    assert hidden == dict.fromkeys(hidden, 404)
