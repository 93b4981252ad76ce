"""Every icon the admin is told to draw exists in Wagtail's sprite: a name Wagtail does
not ship draws nothing (the check-in menu item and the divider block had none)."""

import re

import pytest
from django.apps import apps
from wagtail import blocks
from wagtail.admin.icons import get_icons
from wagtail.fields import StreamField
from wagtail.models import Page

from events.models import EventPage
from tests.factories import MailingListFactory, SuperuserFactory, build_event

pytestmark = pytest.mark.django_db

# The staff pages this project adds to Wagtail's admin (its menu, as a superuser).
OUR_ADMIN_PAGES = (
    "/admin/",
    "/admin/mailing_lists/",
    "/admin/subscribers_admin/",
    "/admin/suppression/",
    "/admin/mailings/alerts/new/",
    "/admin/mailings/",
    "/admin/campaigns/",
    "/admin/partners/keys/",
    "/admin/partners/webhooks/",
    "/admin/partners/deliveries/",
    "/admin/partners/reads/",
    "/admin/rsvps/",
    "/admin/check-in/",
    "/admin/reports/signups/",
    "/admin/outbox/",
    "/admin/operations/",
)
USED = re.compile(r'<use href="#icon-([\w-]+)"')


def sprite() -> set[str]:
    return set(re.findall(r'<symbol[^>]* id="icon-([\w-]+)"', get_icons()))


def stream_blocks():
    """Every block a page model's StreamFields offer, nested ones included."""
    seen = {}
    pending = [
        field.stream_block
        for model in apps.get_models()
        if issubclass(model, Page)
        for field in model._meta.get_fields()
        if isinstance(field, StreamField)
    ]
    while pending:
        block = pending.pop()
        if id(block) in seen:
            continue
        seen[id(block)] = block
        if isinstance(block, blocks.BaseStreamBlock | blocks.BaseStructBlock):
            pending.extend(block.child_blocks.values())
        elif isinstance(block, blocks.ListBlock):
            pending.append(block.child_block)
    return seen.values()


def test_every_stream_block_icon_is_in_the_sprite():
    icons = sprite()
    missing = {
        f"{type(block).__module__}.{type(block).__name__}": block.meta.icon
        for block in stream_blocks()
        if block.meta.icon not in icons
    }
    assert "minus" in icons
    assert not missing


def test_every_icon_on_the_staff_pages_is_in_the_sprite(client, home_page):
    client.force_login(SuperuserFactory())
    event = build_event(rsvp_mode=EventPage.RsvpMode.INTERNAL)
    MailingListFactory()  # the mailing screens open only with a list to send to
    used = set()
    for path in (*OUR_ADMIN_PAGES, f"/admin/pages/{event.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        used |= set(USED.findall(response.content.decode()))
    assert "calendar-check" in used  # the menu item and the page header button
    assert used - sprite() == set()
