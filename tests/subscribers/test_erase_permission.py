"""Erasing a person for good is its own permission. Anyone allowed to add or change
suppressions (to lift a bounce, block a complaint) could pick "erased at the person's
request" and delete someone's subscriptions, signatures and RSVPs past undoing (the
staff round's note). A city's privacy officer is granted subscribers.erase_person,
without being a superuser; others do not see the choice, and a crafted POST is refused
before anything is saved."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from subscribers.crypto import lookup_hash
from subscribers.models import Suppression
from tests.factories import SuperuserFactory, UserFactory
from tests.subscribers.test_staff_erasure import (
    ADDRESS,
    EVERYTHING,
    NOTHING,
    ana,  # noqa: F401 (fixture)
    held_about_ana,
)

pytestmark = pytest.mark.django_db


def staff_with(*codenames: str, name: str):
    group = Group.objects.create(name=name)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="subscribers", codename__in=codenames
        ),
    )
    user = UserFactory(username=name.lower().replace(" ", "-"))
    user.groups.add(group)
    return user


SUPPRESSIONS = ("add_suppression", "change_suppression", "view_suppression")


def test_handling_bounces_does_not_allow_erasing_anyone(client, ana):  # noqa: F811
    client.force_login(staff_with(*SUPPRESSIONS, name="Bounce desk"))
    form = client.get(reverse("suppression:add")).content.decode()
    assert 'value="erased"' not in form
    assert 'value="hard_bounce"' in form

    added = client.post(
        reverse("suppression:add"), {"email": ADDRESS, "reason": "erased"}
    )
    assert added.status_code == 200  # the form again, with its error
    assert not Suppression.objects.exists()

    bounced = Suppression.objects.create(
        email_hash=lookup_hash(ADDRESS), reason=Suppression.Reason.HARD_BOUNCE
    )
    edited = client.post(
        reverse("suppression:edit", args=[bounced.pk]), {"reason": "erased"}
    )
    assert edited.status_code == 200
    bounced.refresh_from_db()
    assert bounced.reason == Suppression.Reason.HARD_BOUNCE
    assert held_about_ana() == EVERYTHING


def test_a_privacy_officer_who_is_no_superuser_may_erase(client, ana):  # noqa: F811
    officer = staff_with(*SUPPRESSIONS, "erase_person", name="Privacy officer")
    assert not officer.is_superuser
    client.force_login(officer)
    assert 'value="erased"' in client.get(reverse("suppression:add")).content.decode()

    added = client.post(
        reverse("suppression:add"), {"email": ADDRESS, "reason": "erased"}
    )

    assert added.status_code == 302
    assert held_about_ana() == NOTHING


def test_the_permission_is_granted_on_the_groups_screen(client):
    client.force_login(SuperuserFactory(username="boss"))
    screen = client.get(reverse("wagtailusers_groups:add")).content.decode()
    erase = Permission.objects.get(codename="erase_person")
    assert f'value="{erase.pk}"' in screen
