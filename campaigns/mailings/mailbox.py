"""Read the bounce mailbox over IMAP or POP3 (stdlib imaplib/poplib) and empty it.

BOUNCE_MAILBOX_URL names it: ``imaps://user:password@imap.example.org/INBOX`` (TLS,
port 993), ``imap://...`` (port 143, STARTTLS when offered), ``pop3s://...`` (port 995)
or ``pop3://...`` (port 110, STLS when offered). User and password are percent-encoded
in the URL. Each message is handed to ``handle`` and then deleted, so the box never
grows; if ``handle`` raises (the database is down), the run stops and what was not
handled stays for the next run. Handling twice is harmless (events are stored once).
"""

import imaplib
import poplib
import ssl
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

TIMEOUT = 30


class MailboxError(Exception):
    """The bounce mailbox could not be read (bad URL, refused login, unreachable)."""


def read_mailbox(url: str, *, limit: int, handle: Callable[[bytes], None]) -> int:
    """Hand up to ``limit`` messages to ``handle``, deleting each one handled.

    Returns how many were handled. Raises MailboxError if the mailbox cannot be read.
    """
    parts = urlsplit(url)
    readers = {
        "imap": _read_imap,
        "imaps": _read_imap,
        "pop3": _read_pop3,
        "pop3s": _read_pop3,
    }
    reader = readers.get(parts.scheme)
    if reader is None or not parts.hostname:
        raise MailboxError("BOUNCE_MAILBOX_URL must be imap(s):// or pop3(s)://host")
    try:
        return reader(parts, limit, handle)
    except (imaplib.IMAP4.error, poplib.error_proto, OSError) as error:
        raise MailboxError(f"{parts.scheme}://{parts.hostname}: {error}") from error


def _credentials(parts) -> tuple[str, str]:
    return unquote(parts.username or ""), unquote(parts.password or "")


def _read_imap(parts, limit: int, handle) -> int:
    secure = parts.scheme == "imaps"
    context = ssl.create_default_context()
    if secure:
        client = imaplib.IMAP4_SSL(
            parts.hostname, parts.port or 993, ssl_context=context, timeout=TIMEOUT
        )
    else:
        client = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=TIMEOUT)
        if "STARTTLS" in client.capabilities:
            client.starttls(ssl_context=context)
    handled = 0
    try:
        client.login(*_credentials(parts))
        folder = unquote(parts.path.strip("/")) or "INBOX"
        status, _ = client.select(_quoted(folder))
        if status != "OK":
            raise MailboxError(f"no folder {folder!r}")
        _, found = client.uid("SEARCH", None, "UNDELETED")
        for uid in (found[0] or b"").split()[:limit]:
            status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if status != "OK" or raw is None:
                continue  # gone meanwhile (another run took it)
            handle(raw)
            client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
            handled += 1
        client.expunge()
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return handled


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _read_pop3(parts, limit: int, handle) -> int:
    context = ssl.create_default_context()
    if parts.scheme == "pop3s":
        client = poplib.POP3_SSL(
            parts.hostname, parts.port or 995, context=context, timeout=TIMEOUT
        )
    else:
        client = poplib.POP3(parts.hostname, parts.port or 110, timeout=TIMEOUT)
        try:
            if "STLS" in client.capa():
                client.stls(context=context)
        except poplib.error_proto:
            pass  # no CAPA: an old server without STLS
    handled = 0
    try:
        user, password = _credentials(parts)
        client.user(user)
        client.pass_(password)
        count = client.stat()[0]
        for number in range(1, min(count, limit) + 1):
            _, lines, _ = client.retr(number)
            handle(b"\r\n".join(lines) + b"\r\n")
            client.dele(number)
            handled += 1
        # Deletions take effect at QUIT; a crash before it leaves every message.
        client.quit()
    except BaseException:
        client.close()
        raise
    return handled
