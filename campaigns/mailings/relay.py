"""SMTP transactions of one recipient each over an open smtplib connection, pipelined.

smtplib waits for the reply to every command: four round trips per message (MAIL,
RCPT, DATA, the content). Over a busy relay or machine those waits, not the CPU, set
the pace. When the server offers PIPELINING (RFC 2920) the content of one message goes
out in the same write as the next message's MAIL, RCPT and DATA, so a message costs one
round trip, and the replies are read back in order. Servers without PIPELINING get
smtplib's own sendmail().

Messages handed in must be ready for the wire: CRLF line ends, ending with CRLF, no
line starting with "." (mime.Template's output), so no dot-stuffing is needed.
"""

import smtplib
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from .backends import PLAIN_ADDRESS

Key = TypeVar("Key")
CRLF = b"\r\n"


def envelope_address(address: str) -> bytes:
    """``<address>`` for MAIL/RCPT (addresses from mime.address() are ASCII)."""
    if PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>".encode("ascii")
    return smtplib.quoteaddr(address).encode("ascii")


def send_each(
    smtp: smtplib.SMTP,
    sender: str | Callable[[Key], str],
    messages: Iterable[tuple[Key, str, Callable[[], bytes]]],
) -> Iterator[tuple[Key, smtplib.SMTPRecipientsRefused | None]]:
    """Send (key, address, message) one recipient per transaction; yield each key
    with None once the relay took it, or the refusal of its recipient.

    ``sender`` is the envelope sender of every message, or a function giving each
    key its own (a VERP return path). Anything else the relay answers (sender
    refused, data refused, a dropped connection) raises the smtplib error, as
    smtplib's sendmail() does.
    """
    smtp.ehlo_or_helo_if_needed()
    if callable(sender):
        sender_of = sender

        def mail(key) -> bytes:
            return b"MAIL FROM:" + envelope_address(sender(key)) + CRLF
    else:
        fixed = b"MAIL FROM:" + envelope_address(sender) + CRLF

        def sender_of(key) -> str:
            return sender

        def mail(key) -> bytes:
            return fixed

    if not smtp.has_extn("pipelining"):
        for key, address, message in messages:
            try:
                smtp.sendmail(sender_of(key), [address], message())
            except smtplib.SMTPRecipientsRefused as refused:
                yield key, refused
                continue
            yield key, None
        return
    pending = iter(messages)
    current = next(pending, None)
    if current is None:
        return
    smtp.send(_commands(mail(current[0]), current[1]))
    while current is not None:
        key, address, message = current
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender_of(key))
        rcpt_code, rcpt_reply = smtp.getreply()
        data_code, data_reply = smtp.getreply()
        refused = None
        if rcpt_code not in (250, 251):
            refused = smtplib.SMTPRecipientsRefused({address: (rcpt_code, rcpt_reply)})
        if data_code == 354:
            # An empty message if the server took DATA with no recipient left.
            content = (message() if refused is None else b"") + b"." + CRLF
        elif refused is not None:
            content = b"RSET" + CRLF  # close the transaction MAIL opened
        else:
            raise smtplib.SMTPDataError(data_code, data_reply)
        current = next(pending, None)
        smtp.send(
            content
            + (b"" if current is None else _commands(mail(current[0]), current[1]))
        )
        code, reply = smtp.getreply()
        if refused is None and code != 250:
            raise smtplib.SMTPDataError(code, reply)
        yield key, refused


def _commands(mail: bytes, address: str) -> bytes:
    return mail + b"RCPT TO:" + envelope_address(address) + CRLF + b"DATA" + CRLF
