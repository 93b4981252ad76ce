"""A file outbox: each message becomes one .eml file under OUTBOX_DIR.

The default e-mail backend on a fresh machine, so a newcomer can read, in the admin,
exactly what subscribers would receive, and nothing leaves the machine. The messages
hold addresses, names, event venues and link tokens: the folder and its files are the
process owner's alone, and the daily retention task deletes them after
OUTBOX_RETENTION_DAYS (cms/retention.py).
"""

import os
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from cms.mail import hygiene
from cms.mail.headers import encode_message_headers


def outbox_dir() -> Path:
    return Path(settings.OUTBOX_DIR)


def private_outbox_dir() -> Path:
    """The outbox folder, made if missing, that only its owner may enter."""
    folder = outbox_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        # Made before the outbox kept itself private (its older files are 0644). A
        # folder someone else owns stays as it is: it is theirs to fix.
        with suppress(PermissionError):
            folder.chmod(0o700)
    return folder


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 at once: a chmod after writing would leave a moment to read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        # A full disk refuses part-way: the half (addresses in it) would keep the
        # space the task's retries need, until the retention purge.
        with suppress(OSError):
            path.unlink()
        raise


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = private_outbox_dir()
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            # Write then rename, so a reader never sees half a message.
            partial = folder / f".{name}.part"
            hygiene.finalize(message)
            encode_message_headers(message)
            _write_private(partial, message.message().as_bytes(linesep="\r\n"))
            os.replace(partial, folder / name)
            sent += 1
        return sent


def delete_messages_before(cutoff: datetime) -> int:
    """Delete the messages (and half-written files a crash left) last written before
    ``cutoff``; how many went. Safe to run twice and beside a sender."""
    folder = outbox_dir()
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.iterdir():
        if not path.name.endswith((".eml", ".part")) or not path.is_file():
            continue
        with suppress(FileNotFoundError):  # another purge, or a rename, got there first
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink()
                deleted += 1
    return deleted


def list_messages(limit: int = 200) -> list[str]:
    """Names of the newest messages first."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.glob("*.eml")), reverse=True)
    return names[:limit]


def read_message(name: str) -> EmailMessage | None:
    """The parsed message called ``name``, or None if there is none (or the name is bad)."""
    if "/" in name or "\\" in name or not name.endswith(".eml") or name.startswith("."):
        return None
    path = outbox_dir() / name
    if not path.is_file():
        return None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None  # the retention purge took it since it was listed
    return message_from_bytes(raw, policy=policy.default)


def body_parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, html) bodies of a message; either may be empty."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",
        html.get_content() if html is not None else "",
    )
