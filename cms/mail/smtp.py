"""Django's SMTP backend as a sender that looks like one.

Django greets the relay with the machine's name (often "localhost", which filters score
as spam once the relay passes it on in Received) and uses the From address as the
envelope sender. Here EHLO says EMAIL_HELO_NAME, the envelope sender is BOUNCE_ADDRESS
when one is set (so bounces reach the mailbox we read), and every message is finalised
(cms/mail/hygiene.py).
"""

import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend
from django.core.mail.message import sanitize_address

from cms.mail import hygiene
from cms.mail.headers import encode_message_headers


def envelope_sender(message) -> str:
    """The MAIL FROM of a message: its own VERP address, BOUNCE_ADDRESS, or From."""
    return (
        getattr(message, "envelope_sender", None)
        or settings.BOUNCE_ADDRESS
        or message.from_email
    )


class EmailBackend(DjangoSmtpBackend):
    @property
    def connection_class(self):
        base = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        helo = settings.EMAIL_HELO_NAME

        def connect(host, port, local_hostname=None, **params):
            return base(host, port, local_hostname=helo or local_hostname, **params)

        return connect

    def _send(self, email_message) -> bool:
        if not email_message.recipients():
            return False
        hygiene.finalize(email_message)
        encode_message_headers(email_message)
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(envelope_sender(email_message), encoding)
        recipients = [
            sanitize_address(address, encoding)
            for address in email_message.recipients()
        ]
        message = email_message.message()
        try:
            self.connection.sendmail(
                sender, recipients, message.as_bytes(linesep="\r\n")
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
