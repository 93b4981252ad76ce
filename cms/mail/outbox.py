"""A file outbox: each message becomes one .eml file under OUTBOX_DIR.

The default e-mail backend on a fresh machine, so a newcomer can read, in the admin,
exactly what subscribers would receive, and nothing leaves the machine.
"""

import os
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from cms.mail import hygiene


def outbox_dir() -> Path:
    return Path(settings.OUTBOX_DIR)


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            # Write then rename, so a reader never sees half a message.
            partial = folder / f".{name}.part"
            hygiene.finalize(message)
            partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
            os.replace(partial, folder / name)
            sent += 1
        return sent


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
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def body_parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, html) bodies of a message; either may be empty."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",
        html.get_content() if html is not None else "",
    )
