"""Partner API keys: created by staff, shown once, stored as a keyed hash, revocable.

A key reads ``<PARTNER_API_KEY_PREFIX>_<prefix>_<secret>`` (``ona_...`` by default). The
prefix finds the row; only a keyed hash of the whole key is stored, so a copy of the
database holds no usable key. A key made under an earlier PARTNER_API_KEY_PREFIX still
opens: its hash covers the start it was made with.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from subscribers.models import ListPermission
from subscribers.selectors import lists_user_can

from .models import Action, ApiKey

_START = re.compile(r"[a-z0-9]{1,16}")
# last_used_at is written at most this often per key, not once per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _digest(token: str) -> str:
    key = settings.LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"api-key:{token}".encode(), hashlib.sha256).hexdigest()


def _parse(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if (
        len(parts) != 3
        or not _START.fullmatch(parts[0])
        or not parts[1]
        or not parts[2]
    ):
        return None
    return parts[1], parts[2]


def check_scope(
    *,
    user,
    actions: Iterable[str],
    list_ids: Iterable[int],
    export_list_ids,
    campaign_ids: Iterable[int] = (),
    event_ids: Iterable[int] = (),
) -> None:
    """Staff may grant only what they may see themselves: lists they may view (and, to
    add people as confirmed, lists they may import into), campaigns if they may read
    campaign reports, events whose guests they may see; raises PermissionDenied
    otherwise. A key reads its campaigns' counts and its events' attendance, so
    without this a staff member could hand a partner figures they may not read."""
    if not user.has_perm("partners.add_apikey") and not user.has_perm(
        "partners.change_apikey"
    ):
        raise PermissionDenied
    if set(campaign_ids) and not may_read_reports(user):
        raise PermissionDenied(
            _("You may only grant campaigns whose reports you can read.")
        )
    if set(event_ids) - set(events_whose_guests_user_sees(user)):
        raise PermissionDenied(_("You may only grant events whose guests you can see."))
    visible = set(
        lists_user_can(user, ListPermission.Permission.VIEW).values_list(
            "pk", flat=True
        )
    )
    wanted = set(list_ids) | set(export_list_ids)
    if not wanted <= visible:
        raise PermissionDenied(_("You may only grant lists you can see."))
    if Action.SIGNUP_CONFIRMED in set(actions):
        importable = set(
            lists_user_can(user, ListPermission.Permission.IMPORT).values_list(
                "pk", flat=True
            )
        )
        if not set(list_ids) <= importable:
            raise PermissionDenied(
                _(
                    "Adding people as confirmed needs the import permission on "
                    "every list of the key."
                )
            )


def may_read_reports(user) -> bool:
    from campaigns.admin_views import may_read_reports as reads_reports

    return reads_reports(user)


def events_whose_guests_user_sees(user):
    """Ids of the events whose RSVPs ``user`` may see in the admin (the "view RSVP"
    permission, scoped to their lists as the RSVP screens are)."""
    from events.viewsets import scoped_events

    if not user.is_superuser and not user.has_perm("events.view_rsvp"):
        return []
    return scoped_events(user).values_list("pk", flat=True)


@transaction.atomic
def create_api_key(
    *,
    user,
    name: str,
    partner: str,
    actions: Iterable[str],
    lists=(),
    export_lists=(),
    campaigns=(),
    events=(),
    rate_limit_per_minute: int = 0,
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the token, which is never shown again."""
    actions = [action for action in Action.values if action in set(actions)]
    list_ids = [item.pk for item in lists]
    export_ids = [item.pk for item in export_lists]
    campaign_ids = [item.pk for item in campaigns]
    event_ids = [item.pk for item in events]
    check_scope(
        user=user,
        actions=actions,
        list_ids=list_ids,
        export_list_ids=export_ids,
        campaign_ids=campaign_ids,
        event_ids=event_ids,
    )
    if not user.has_perm("partners.add_apikey"):
        raise PermissionDenied
    prefix = secrets.token_hex(6)
    start = settings.PARTNER_API_KEY_PREFIX
    token = f"{start}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name,
        partner=partner,
        prefix=prefix,
        start=start,
        secret_hash=_digest(token),
        actions=actions,
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=user,
    )
    key.lists.set(list_ids)
    key.export_lists.set(export_ids)
    key.campaigns.set(campaign_ids)
    key.events.set(event_ids)
    return key, token


def revoke_api_key(*, user, key_id: int) -> bool:
    """Revoke a key at once; its webhooks stop too. Safe to run twice."""
    if not user.has_perm("partners.change_apikey"):
        raise PermissionDenied
    from .webhooks.services import forget_endpoints

    revoked = ApiKey.objects.filter(pk=key_id, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    forget_endpoints()
    return bool(revoked)


def authenticate(token: str) -> ApiKey | None:
    """The active key this token names, or None; notes when it was last used."""
    parsed = _parse(token or "")
    if parsed is None:
        return None
    key = ApiKey.objects.filter(prefix=parsed[0], revoked_at=None).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(token)):
        return None
    if not key.start:
        # A key made before its start was stored: the token, its hash checked, says.
        key.start = token.split("_", 1)[0]
        ApiKey.objects.filter(pk=key.pk, start="").update(start=key.start)
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so a burst of requests writes the row once.
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return key
