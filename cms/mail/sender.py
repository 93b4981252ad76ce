"""Who our e-mails come from, as the reader's mail client shows it.

The From line is the first thing a reader sees of a message, before its subject: an
Arabic reader whose e-mail is in Arabic should see the office's name in Arabic there
too. DEFAULT_FROM_EMAIL's display name is the office's name (SITE_NAME) by default,
and the catalogues hold that name in every language (cms.languages.site_name), so the
display name follows the active language. A display name that is not SITE_NAME (a
person's, another organisation's) stays as written, and the address never changes
(SPF, DKIM and DMARC look at the address, not the name).

The From address is often a sending domain nobody reads; REPLY_TO_EMAIL, when set, is
where a reader's reply goes instead (the office's mailbox), its name translated alike.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils import translation

from cms.languages import site_name


def from_address(language: str | None = None) -> str:
    """DEFAULT_FROM_EMAIL with the office's name in ``language`` (default: the active
    language)."""
    if language:
        with translation.override(language):
            return from_address()
    return _named(settings.DEFAULT_FROM_EMAIL)


def reply_headers(language: str | None = None) -> dict[str, str]:
    """``{"Reply-To": REPLY_TO_EMAIL}`` (its name in ``language`` as the From line's),
    or nothing when it is unset: a reader's reply then goes to the From address."""
    # Asked once per message of a 100,000-reader send: no language switch for nothing.
    if not settings.REPLY_TO_EMAIL:
        return {}
    if language:
        with translation.override(language):
            return reply_headers()
    configured = settings.REPLY_TO_EMAIL
    return {"Reply-To": _named(configured)} if configured else {}


def _named(configured: str) -> str:
    """``configured`` with the office's name in the active language when its display
    name is SITE_NAME; as written otherwise."""
    name, address = parseaddr(configured)
    if not name or name != settings.WAGTAIL_SITE_NAME:
        return configured
    translated = site_name()
    if translated == name:
        return configured
    # Django encodes a non-ASCII display name (RFC 2047) when it sends the message.
    return f"{_quoted(translated)} <{address}>"


def _quoted(name: str) -> str:
    """The display name as a quoted string when it holds characters that would
    otherwise end or split it (RFC 5322 specials)."""
    if any(char in name for char in '()<>[]:;@\\,."'):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name
