"""What a mail server's or an e-mail provider's answer says, shared by every send path
(mailings and alerts in campaigns.mailings.transport, guest messages in
events.guest_mail, one person's e-mail in the MailTask tasks of cms.celery)."""

import smtplib

from anymail.exceptions import AnymailRecipientsRefused

# The provider refuses our account, not the message (a wrong API key, sending domain
# or region): every message would get the same answer until someone puts it right, so
# the senders wait it out like an outage instead of failing the messages.
ACCOUNT_REFUSED_STATUS = frozenset({401, 403, 404})

# The ESP's answers that say nothing about the message: too many requests, or our
# account refused. Every message would get the same, so they wait, untouched, until it
# passes or is put right.
ESP_NOT_READY = (*sorted(ACCOUNT_REFUSED_STATUS), 429)


def mail_down(error: Exception) -> bool:
    """The mail server or ESP did not answer, or is overloaded: every message would
    fail alike, so the sender stops and the messages wait. Not when it answered that
    this message is refused."""
    response = getattr(error, "response", None)  # anymail's HTTP errors
    if response is not None:
        return response.status_code in ESP_NOT_READY or response.status_code >= 500
    if isinstance(
        error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
    ):
        return False
    # Connection refused or reset, timeouts, SMTPServerDisconnected, no HTTP answer.
    return isinstance(error, OSError)


def refused_for_good(error: Exception) -> bool:
    """The server answered that this message will never be taken (an SMTP 5xx, an
    ESP's 4xx other than "too many" or "timeout", every recipient rejected): trying
    again would only be refused again. A 4xx SMTP answer is a "try later"."""
    if isinstance(error, AnymailRecipientsRefused):
        return True
    response = getattr(error, "response", None)  # anymail's HTTP errors
    if response is not None:
        code = response.status_code
        return 400 <= code < 500 and code not in (408, *ESP_NOT_READY)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False
