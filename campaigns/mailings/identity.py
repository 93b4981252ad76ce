"""How a mailing's messages name themselves: a lasting List-Id per list, and a signed
VERP return path per delivery.

List-Id (RFC 2919) is what readers' filters key on, so it must not change from one
mailing to the next: it is derived from the list's id, which never changes (a name or
slug may). A mailing to several lists carries the site's own id (list 0): naming one
of its lists would tell a reader of another list, and anyone who sees the message,
that they are on a list they never joined, and for this audience a list can say
something about a person.

VERP: with BOUNCE_ADDRESS = bounces@example.org, the delivery 42 goes out with the
envelope sender ``bounces+d42-<signature>@example.org``. A bounce comes back to that
address, and the signature (HMAC of the delivery id under SECRET_KEY) proves that we
made it: an address without a valid signature is never trusted, so nobody can suppress
an address by mailing our bounce box a forged report.
"""

import base64
import hashlib
import hmac
import re
from email.utils import quote

from django.conf import settings
from django.utils.crypto import salted_hmac

from campaigns.mailings.models import Delivery, Mailing

_SALT = "campaigns.mailings.verp"
_SIGNATURE_LENGTH = 16  # base32 characters: 80 bits
VERP_TOKEN = re.compile(r"\+d(\d{1,18})-([a-z2-7]{16})@", re.IGNORECASE)
# Characters a List-Id description may hold unquoted (RFC 5322 atext and spaces).
_ATEXT = re.compile(r"[\w !#$%&'*+/=?^`{|}~-]*")


def message_id_tag(mailing: Mailing) -> str:
    """A short mark of this mailing, the same on every retry of its messages, that a
    mailing with the same id in another database (a restore, a staging site on the
    same domain) does not share: its id and creation time, hashed."""
    made = mailing.created_at.isoformat() if mailing.created_at else ""
    digest = hashlib.blake2b(f"{mailing.pk}:{made}".encode(), digest_size=5)
    return base64.b32encode(digest.digest()).decode().lower()


def list_id(list_pk: int, name: str) -> str:
    """``"Name" <list-7.example.org>``: the lasting List-Id of one list."""
    name = " ".join(name.split())
    phrase = name if _ATEXT.fullmatch(name) else f'"{quote(name)}"'
    return f"{phrase} <list-{list_pk}.{settings.MESSAGE_ID_DOMAIN}>"


def list_id_for(mailing: Mailing) -> str:
    """The List-Id of a mailing: its list's when it goes to one, else the site's."""
    lists = list(mailing.lists.values_list("pk", "name")[:2])
    if len(lists) == 1:
        return list_id(*lists[0])
    return list_id(0, settings.WAGTAIL_SITE_NAME)


def _signature(delivery_id: int, secret: str, tag: str = "") -> str:
    signed = f"{delivery_id}.{tag}" if tag else str(delivery_id)
    digest = salted_hmac(_SALT, signed, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii")[:_SIGNATURE_LENGTH].lower()


def verp_address(delivery_id: int, tag: str = "") -> str | None:
    """The signed return path of one delivery, or None without BOUNCE_ADDRESS.

    Signed with its mailing's ``tag`` (message_id_tag) as well: delivery ids start
    again in a database restored from a backup, and a late bounce of mail sent before
    the restore would otherwise suppress whoever has that delivery id now.
    """
    bounce = settings.BOUNCE_ADDRESS
    if not bounce or "@" not in bounce:
        return None
    local, domain = bounce.rsplit("@", 1)
    signature = _signature(delivery_id, settings.SECRET_KEY, tag)
    return f"{local}+d{delivery_id}-{signature}@{domain}"


def delivery_id_from(text: str) -> int | None:
    """The delivery id of a signed VERP address found in ``text``, else None.

    Unsigned, tampered or foreign tokens give None, and so does a token signed for
    another mailing than the one the delivery belongs to in this database (mail sent
    before a restore). Keys in SECRET_KEY_FALLBACKS are accepted too, so bounces of
    mail sent before a key rotation still count, and so are tokens signed without a
    tag (mail sent before tags were signed).
    """
    for match in VERP_TOKEN.finditer(text or ""):
        delivery_id, signature = int(match.group(1)), match.group(2).lower()
        tags = ["", _delivery_tag(delivery_id)]
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
            for tag in tags:
                if tag is not None and hmac.compare_digest(
                    signature, _signature(delivery_id, secret, tag)
                ):
                    return delivery_id
    return None


def _delivery_tag(delivery_id: int) -> str | None:
    """The tag of the mailing this delivery belongs to here (None: no such delivery)."""
    delivery = (
        Delivery.objects.filter(pk=delivery_id)
        .select_related("mailing")
        .only("mailing__id", "mailing__created_at")
        .first()
    )
    return None if delivery is None else message_id_tag(delivery.mailing)
