"""Builders for alert tests: organizers, lists they may send to, an audience."""

from django.contrib.auth.models import Group, Permission

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


def alert_site(home):
    build_event_index(home)
    build_bulletin_index(home)


def audience(n_lists: int = 2):
    chosen = lists(n_lists)
    subscribe("ana@example.org", chosen, language="es", name="Ana")
    subscribe("grace@example.org", chosen[:1], language="en")
    return chosen
