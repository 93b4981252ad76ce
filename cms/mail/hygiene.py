"""What every message carries whatever the backend: a Message-ID on our own domain, and
the marks of machine-sent mail on transactional messages.

Each backend calls ``finalize`` just before it encodes a message (cms/mail/smtp.py, the
outbox, anymail's pre_send signal), so no caller can forget it. Mailings' bulk
messages (they carry List-Id) already have their own Message-ID and are not
"auto-generated": people wrote them.
"""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

AUTO_SUBMITTED = "auto-generated"  # RFC 3834
# Microsoft's servers send no out-of-office replies to messages marked so.
AUTO_RESPONSE_SUPPRESS = "OOF, AutoReply"


def message_id() -> str:
    """A fresh Message-ID on MESSAGE_ID_DOMAIN (never the machine's own name)."""
    return make_msgid(domain=settings.MESSAGE_ID_DOMAIN)


def finalize(message: EmailMessage) -> EmailMessage:
    """Add what a transactional message lacks: Message-ID, Auto-Submitted and the
    auto-reply suppression. Bulk messages (List-Id) are left as the sender built them:
    their ids are per recipient (campaigns/mailings/transport.py)."""
    headers = message.extra_headers
    present = {name.lower() for name in headers}
    if "list-id" in present:
        return message
    if "message-id" not in present:
        headers["Message-ID"] = message_id()
    if "auto-submitted" not in present:
        headers["Auto-Submitted"] = AUTO_SUBMITTED
    if "x-auto-response-suppress" not in present:
        headers["X-Auto-Response-Suppress"] = AUTO_RESPONSE_SUPPRESS
    return message
