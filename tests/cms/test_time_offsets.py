"""A date and time typed by hand with a UTC offset no time zone has.

Django reads "2026-12-10T10:00+23:59" (Python takes offsets up to 23:59) and the
staff screens passed it on: PostgreSQL stores none past 15:59 and refused the insert,
a 500 for an event's start, a bulletin's send time, a rally alert or a page's "go
live" time. Every staff date and time field now refuses it in the staff member's
language (cms.form_fields.StaffDateTimeField), and a real offset is still taken.
"""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import control
from events.models import EventPage
from tests.campaigns.alert_fixtures import alert_site, audience, organizer
from tests.events.test_guest_notices import edit_form
from tests.factories import (
    MailingListFactory,
    build_bulletin,
    build_event,
    speaking,
    staff_member,
)

pytestmark = pytest.mark.django_db

SPANISH = "Ninguna zona horaria tiene este desfase respecto a UTC."
NO_SUCH_OFFSETS = ["+23:59", "-16:00"]


def typed(days: int, offset: str) -> str:
    """A time ``days`` ahead as typed by hand, with ``offset``."""
    when = timezone.localtime(timezone.now() + timedelta(days=days))
    return when.strftime("%Y-%m-%dT%H:%M") + offset


@pytest.mark.parametrize("offset", NO_SUCH_OFFSETS)
def test_an_event_time_with_no_such_offset_is_refused(client, home_page, offset):
    event = build_event(title="Vigil")
    before = (event.start, event.end)
    client.force_login(staff_member("es"))

    answer = client.post(
        reverse("wagtailadmin_pages:edit", args=[event.pk]),
        edit_form(event, start=typed(3, offset), end=typed(4, "")),
    )

    assert answer.status_code in (200, 400)
    assert SPANISH in answer.content.decode()
    event = EventPage.objects.get(pk=event.pk)
    assert (event.start, event.end) == before
    assert not event.has_unpublished_changes


def test_a_pages_go_live_time_with_no_such_offset_is_refused(client, home_page):
    """Wagtail's own "go live" field in the page's settings shares the field."""
    event = build_event(title="Vigil")
    client.force_login(staff_member("es"))
    form = edit_form(event, go_live_at=typed(3, "+23:59"))
    form.pop("action-publish")

    answer = client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), form)

    assert answer.status_code in (200, 400)
    assert SPANISH in answer.content.decode()
    assert EventPage.objects.get(pk=event.pk).go_live_at is None


def test_an_event_time_with_a_real_offset_is_taken(client, home_page):
    """Kiribati's +14:00 and Baker Island's -12:00 exist."""
    event = build_event(title="Vigil")
    client.force_login(staff_member("en"))
    start, end = typed(3, "+14:00"), typed(3, "-12:00")

    answer = client.post(
        reverse("wagtailadmin_pages:edit", args=[event.pk]),
        edit_form(event, start=start, end=end),
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    event = EventPage.objects.get(pk=event.pk)
    assert event.start == datetime.fromisoformat(start)
    assert event.end == datetime.fromisoformat(end)


def schedule_a_spanish_draft(client, send_at: str):
    """A Spanish-speaking editor's draft bulletin mailing, posted to be sent at
    ``send_at`` as typed: (the mailing, the answer after redirects)."""
    user = staff_member("es")
    mailing = control.create_mailing(
        user=user,
        page=build_bulletin(title="Boletín"),
        list_ids=[MailingListFactory().pk],
    )
    client.force_login(user)
    answer = client.post(
        reverse("campaigns_mailings:schedule", args=[mailing.pk]),
        {"send_at": send_at, "confirmed": "1"},
        follow=True,
    )
    return mailing, answer


@pytest.mark.parametrize("offset", NO_SUCH_OFFSETS)
def test_a_send_time_with_no_such_offset_is_refused(client, home_page, offset):
    mailing, answer = schedule_a_spanish_draft(client, typed(2, offset))

    assert answer.status_code in (200, 400)
    assert SPANISH in answer.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert mailing.scheduled_at is None


def test_a_send_time_past_the_last_year_python_has_is_refused(client, home_page):
    """9999-12-31 23:59 in Chicago is in the year 10000 in UTC: SQLite's adapter
    could not convert it (a 500). Refused with the event editor's year message."""
    mailing, answer = schedule_a_spanish_draft(client, "9999-12-31T23:59")

    assert answer.status_code in (200, 400)
    assert "Revise el año: escriba las cuatro cifras" in answer.content.decode()
    mailing.refresh_from_db()
    assert mailing.scheduled_at is None


@pytest.mark.parametrize("offset", NO_SUCH_OFFSETS)
def test_a_rally_time_with_no_such_offset_is_refused(client, home_page, offset):
    alert_site(home_page)
    legal, _outreach = audience()
    user = speaking(organizer("olga", [legal]), "es")
    client.force_login(user)

    answer = client.post(
        reverse("campaigns_mailings:rally_alert"),
        {
            "title": "Rally at the DHS office",
            "what": "Press conference",
            "start": typed(1, offset),
            "venue": "Federal Plaza",
            "address": "101 W Ida B Wells Dr",
            "message": "Join us.",
            "lists": [legal.pk],
        },
    )

    assert answer.status_code in (200, 400)
    assert SPANISH in answer.content.decode()
    assert not Mailing.objects.exists()
    assert not EventPage.objects.exists()
