"""Site history and the rows about one person: Wagtail shows a model's log entries to
anyone holding any permission on the model, but RSVPs and subscriptions are scoped per
event and list. An RSVP editor of the legal subcommittee read "RSVP #2 to Know Your
Rights: confirmed", a guest of an event outside their scope (found by the lead, round
17). Those entries are kept apart (cms.models.PersonLogEntry) and shown only to
administrators, as the rows' own history screens are."""

import re

import pytest
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from cms.models import PersonLogEntry
from tests.security.test_admin_matrix import make_user, world  # noqa: F401

pytestmark = pytest.mark.django_db

PEOPLE = ("rsvp", "other_rsvp", "legal_subscription", "other_subscription")


def site_history_rows(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    return re.findall(
        r"(?:RSVP|Subscriber) #\d+ (?:to|on) [^<:]+", response.content.decode()
    )


def test_list_scoped_staff_read_no_one_in_site_history(client, world):  # noqa: F811
    admin = make_user("admin", world["legal"])
    for key in PEOPLE:
        log(world[key], "wagtail.edit", user=admin)
    log(world["legal"], "wagtail.edit", user=admin)

    for role in ("editor", "organizer"):
        assert site_history_rows(client, make_user(role, world["legal"])) == [], role
    seen = site_history_rows(client, admin)
    assert any("to Know Your Rights" in row for row in seen), seen
    assert any("on Outreach" in row for row in seen), seen


def test_a_persons_row_history_is_kept_apart_and_still_shown_on_its_screen(
    client,
    world,  # noqa: F811
):
    admin = make_user("admin", world["legal"])
    log(world["rsvp"], "wagtail.edit", user=admin)
    log(world["legal"], "wagtail.edit", user=admin)

    assert PersonLogEntry.objects.filter(object_id=str(world["rsvp"].pk)).count() == 1
    assert not ModelLogEntry.objects.filter(label__startswith="RSVP").exists()
    assert ModelLogEntry.objects.filter(object_id=str(world["legal"].pk)).exists()
    client.force_login(admin)
    history = client.get(reverse("rsvps:history", args=[world["rsvp"].pk]))
    assert "Edited" in history.content.decode()
