"""Write use-cases of the editorial pages."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from cms.bulletin_slugs import free_slug, slug_base
from cms.models import BulletinPage


def last_bulletin() -> BulletinPage | None:
    """The newest live bulletin in the default language: what the next one starts from."""
    return (
        BulletinPage.objects.live()
        .filter(locale=Locale.get_default())
        .order_by("-date", "-first_published_at")
        .first()
    )


def next_bulletin_body(body) -> list[dict]:
    """The blocks of ``body`` for a new bulletin: fresh ids, and each event listing
    back to "the next upcoming events" (last month's chosen events are over)."""
    blocks = []
    for block in body.raw_data:
        value = block["value"]
        if block["type"] == "event_listing":
            value = {**value, "events": []}
        blocks.append({"type": block["type"], "value": value, "id": str(uuid.uuid4())})
    return blocks


@transaction.atomic
def start_next_bulletin(*, user, source: BulletinPage) -> BulletinPage:
    """A draft bulletin under the same archive with ``source``'s title and blocks,
    today's date and no summary; nothing is published. Safe to run twice (two drafts)."""
    parent = source.get_parent().specific
    if not parent.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied
    today = timezone.localdate()
    page = BulletinPage(
        title=source.title,
        slug=free_slug(parent, slug_base(source.title, today)),
        date=today,
        summary="",
        body=next_bulletin_body(source.body),
        live=False,
        owner=user,
        locale=source.locale,
    )
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page
