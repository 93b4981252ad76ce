"""Builders for alert tests: organizers, lists they may send to, an audience."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from campaigns.mailings.services import alerts
from subscribers.models import ListPermission
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import UserFactory, build_bulletin_index, build_event_index


def organizer(username: str, send_lists, *, group_name: str | None = None):
    """A user in a group of their own holding SEND on ``send_lists``."""
    group, _ = Group.objects.get_or_create(name=group_name or f"org-{username}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for mailing_list in send_lists:
        ListPermission.objects.get_or_create(
            group=group,
            mailing_list=mailing_list,
            permission=ListPermission.Permission.SEND,
        )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


def rally(user, list_ids, **fields):
    """A drafted rally alert three hours ahead, as an organizer writes one; ``fields``
    change what the test is about."""
    values = {
        "title": "Rally at the DHS office",
        "what": "Press conference and rally",
        "start": timezone.now() + timedelta(hours=3),
        "venue": "Federal Plaza",
        "address": "101 W Ida B Wells Dr",
        "message": "Join us in three hours.",
        "list_ids": list_ids,
    }
    return alerts.create_rally_alert(user=user, **{**values, **fields})


def alert_site(home):
    build_event_index(home)
    build_bulletin_index(home)


def audience(n_lists: int = 2):
    chosen = lists(n_lists)
    subscribe("ana@example.org", chosen, language="es", name="Ana")
    subscribe("grace@example.org", chosen[:1], language="en")
    return chosen
