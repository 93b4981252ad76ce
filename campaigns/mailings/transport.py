"""Hand rendered messages to the configured e-mail backend, in batches where it can.

A rendition carries the placeholders of cms.email.rendering (%%UNSUBSCRIBE_URL%% ...).
Providers with batch sending and per-recipient merge data (Mailgun) get the body once
per call with the placeholders turned into the provider's merge syntax. Django's SMTP
backend gets one message per recipient over one connection, each language encoded once
per batch (mime.Template) and the transactions pipelined (relay.send_each); any other
backend (the file outbox, the console) gets one EmailMultiAlternatives per recipient.
"""

import email.utils
import html
import re
import secrets
import smtplib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import requests
from anymail.exceptions import AnymailAPIError, AnymailRequestsAPIError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from cms.languages import content_languages
from cms.mail.esp import ACCOUNT_REFUSED_STATUS
from cms.mail.sender import from_address, reply_headers

from . import identity, mime, relay
from .exceptions import TransientSendError

# RFC 3463's class.subject.detail at the start of a reply: 5.1.1 (no such mailbox).
ENHANCED_STATUS = re.compile(r"[245]\.\d{1,3}\.\d{1,3}\b")

# Provider name -> how a per-recipient value is written in a batch body, and the
# backend that sends such batches.
BATCH_MERGE_SYNTAX = {"mailgun": "%recipient.{}%"}
BATCH_BACKENDS = {"mailgun": "campaigns.mailings.backends.MailgunBatchBackend"}
PLACEHOLDERS = {
    "%%UNSUBSCRIBE_URL%%": "unsubscribe_url",
    "%%PREFERENCES_URL%%": "preferences_url",
    "%%NAME%%": "name",
    "%%REASON%%": "reason",
}
# In the HTML part a subscriber's name is text, never markup: it comes from a public
# form; so are the list names of the footer's reason (staff's words).
HTML_PLACEHOLDERS = {
    **PLACEHOLDERS,
    "%%NAME%%": "name_html",
    "%%REASON%%": "reason_html",
}
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    email: str
    name: str
    unsubscribe_url: str
    preferences_url: str
    # The footer's "why you get this" in the reader's language (rendering.reader_reason).
    reason: str = ""

    def merge_values(self) -> dict[str, str]:
        return {
            "unsubscribe_url": self.unsubscribe_url,
            "preferences_url": self.preferences_url,
            "name": self.name,
            "name_html": html.escape(self.name),
            "reason": self.reason,
            "reason_html": html.escape(self.reason),
        }


@dataclass(frozen=True)
class Envelope:
    """What is the same for every recipient of one language of one mailing."""

    mailing_id: int
    subject: str
    html: str
    text: str
    list_id: str
    track_opens: bool
    track_clicks: bool
    language: str = ""  # the readers' language code, for Content-Language
    # The page's language when it is not the readers' (no translation in theirs).
    content_language: str = ""
    # Makes each delivery's Message-ID this mailing's own (identity.message_id_tag).
    message_id_tag: str = ""


@dataclass
class BatchResult:
    sent: dict[int, str]  # delivery id -> provider message id
    failed: dict[int, str]  # delivery id -> reason (permanent, not retried)


def single_line(value: str) -> str:
    """Header values never carry CR/LF from page titles or names."""
    return " ".join(value.splitlines()).strip()


def message_id_for(delivery_id: int, mailing_id: int, tag: str = "") -> str:
    """A delivery's Message-ID, derived from its id and its mailing's ``tag``; a test
    copy (no delivery) gets a fresh one each time: mail clients hide a message whose id
    they have already seen, so the second language's copy, or the test after a
    correction, would vanish. The ``t`` prefix keeps it apart from every delivery's
    ``d<id>``. The tag keeps a delivery's id from naming mail sent before: ids start
    again in a database restored from a backup (or another installation on the same
    domain), and Gmail drops a new bulletin whose Message-ID it has already seen."""
    domain = settings.MESSAGE_ID_DOMAIN
    if delivery_id <= 0:
        return f"<t{secrets.token_hex(8)}.m{mailing_id}@{domain}>"
    if tag:
        return f"<d{delivery_id}.m{mailing_id}.{tag}@{domain}>"
    return f"<d{delivery_id}.m{mailing_id}@{domain}>"


def common_headers(envelope: Envelope) -> dict[str, str]:
    headers = {
        "List-Id": envelope.list_id,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
        # Out-of-office replies would only fill the bounce mailbox.
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        # A reader answering a bulletin or an alert reaches the office, not the
        # sending domain (REPLY_TO_EMAIL).
        **reply_headers(envelope.language),
    }
    if envelope.language:
        # Screen readers and mail clients pick the voice and spelling from it.
        headers["Content-Language"] = content_languages(
            envelope.language, envelope.content_language
        )
    return headers


def return_path(recipient: Recipient, tag: str = "") -> str | None:
    """The recipient's signed VERP address (None for test copies or without
    BOUNCE_ADDRESS), signed with its mailing's ``tag`` too (identity.verp_address)."""
    if recipient.delivery_id <= 0:
        return None
    return identity.verp_address(recipient.delivery_id, tag)


def uses_batch_merge() -> bool:
    return settings.EMAIL_PROVIDER in BATCH_MERGE_SYNTAX


def substitute(
    template: str, values: dict[str, str], placeholders: dict = PLACEHOLDERS
) -> str:
    for placeholder, key in placeholders.items():
        if placeholder in template:
            template = template.replace(placeholder, values[key])
    return template


def send(envelope: Envelope, recipients: list[Recipient]) -> BatchResult:
    try:
        if uses_batch_merge():
            return _send_batch(envelope, recipients)
        return send_single(envelope, recipients)
    except ImproperlyConfigured as error:
        # anymail refuses to build its backend (AnymailConfigurationError, e.g. no
        # API key in this worker's environment) before any call. It is this process's
        # configuration, the same for every recipient: waited out like a refused key
        # (the mailing pauses and is probed), not a poison batch whose recipients
        # would each be tried alone and quarantined. The message names a setting only.
        raise TransientSendError(
            f"e-mail settings incomplete ({type(error).__name__}): check "
            "EMAIL_PROVIDER and its ANYMAIL_* settings in the workers' environment"
        ) from error


def _as_transient(error: Exception) -> TransientSendError | None:
    if isinstance(error, AnymailRequestsAPIError):
        if error.status_code in ACCOUNT_REFUSED_STATUS:
            # Waited out like an outage (the mailing pauses and is probed), not a
            # poison batch whose every recipient would be tried alone and failed.
            return TransientSendError(
                f"provider refused our account ({error.status_code}): check the API "
                "key, sending domain and region"
            )
        if error.status_code in RETRYABLE_STATUS:
            retry_after = None
            if error.response is not None:
                retry_after = _retry_after(error.response.headers.get("Retry-After"))
            return TransientSendError(
                f"provider answered {error.status_code}", retry_after=retry_after
            )
        return None
    if isinstance(error, (requests.RequestException, OSError, AnymailAPIError)):
        if isinstance(error, AnymailAPIError) and not isinstance(
            error.__cause__, requests.RequestException
        ):
            return None
        return TransientSendError(f"provider unreachable: {type(error).__name__}")
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        from django.utils import timezone

        return max(0.0, (parsed - timezone.now()).total_seconds())


def _send_batch(envelope: Envelope, recipients: list[Recipient]) -> BatchResult:
    syntax = BATCH_MERGE_SYNTAX[settings.EMAIL_PROVIDER]

    def to_batch(template: str, placeholders: dict = PLACEHOLDERS) -> str:
        for placeholder, key in placeholders.items():
            template = template.replace(placeholder, syntax.format(key))
        return template

    message = EmailMultiAlternatives(
        connection=get_connection(BATCH_BACKENDS[settings.EMAIL_PROVIDER]),
        subject=single_line(envelope.subject),
        body=to_batch(envelope.text),
        from_email=from_address(envelope.language),
        to=[recipient.email for recipient in recipients],
        headers=common_headers(envelope),
    )
    message.attach_alternative(to_batch(envelope.html, HTML_PLACEHOLDERS), "text/html")
    message.merge_data = {r.email: r.merge_values() for r in recipients}
    message.merge_headers = {
        r.email: {
            "List-Unsubscribe": f"<{r.unsubscribe_url}>",
            "Message-Id": message_id_for(
                r.delivery_id, envelope.mailing_id, envelope.message_id_tag
            ),
        }
        for r in recipients
    }
    message.merge_metadata = {
        r.email: {"delivery_id": r.delivery_id} for r in recipients
    }
    message.metadata = {"mailing_id": envelope.mailing_id}
    message.track_opens = envelope.track_opens
    message.track_clicks = envelope.track_clicks
    try:
        message.send()
    except Exception as error:
        transient = _as_transient(error)
        if transient is not None:
            raise transient from error
        if isinstance(error, AnymailRequestsAPIError) and error.status_code == 400:
            return _bisect(envelope, recipients, str(error))
        raise
    statuses = message.anymail_status.recipients
    result = BatchResult(sent={}, failed={})
    for recipient in recipients:
        status = statuses.get(recipient.email)
        if status is not None and status.status in {"rejected", "invalid", "failed"}:
            result.failed[recipient.delivery_id] = f"provider {status.status}"
        else:
            result.sent[recipient.delivery_id] = status.message_id if status else ""
    return result


def _bisect(
    envelope: Envelope, recipients: list[Recipient], reason: str
) -> BatchResult:
    """Mailgun refuses a whole call for one bad address: find it, send the rest."""
    if len(recipients) == 1:
        return BatchResult(sent={}, failed={recipients[0].delivery_id: reason[:250]})
    middle = len(recipients) // 2
    first = _send_batch(envelope, recipients[:middle])
    second = _send_batch(envelope, recipients[middle:])
    return BatchResult(
        sent={**first.sent, **second.sent}, failed={**first.failed, **second.failed}
    )


def send_single(envelope: Envelope, recipients: list[Recipient]) -> BatchResult:
    connection = get_connection(fail_silently=False)
    if isinstance(connection, SmtpBackend):
        return _send_smtp(connection, envelope, recipients)
    messages = []
    for recipient in recipients:
        values = recipient.merge_values()
        message_id = message_id_for(
            recipient.delivery_id, envelope.mailing_id, envelope.message_id_tag
        )
        message = EmailMultiAlternatives(
            subject=single_line(envelope.subject),
            body=substitute(envelope.text, values),
            from_email=from_address(envelope.language),
            to=[recipient.email],
            headers={
                **common_headers(envelope),
                "List-Unsubscribe": f"<{recipient.unsubscribe_url}>",
                "Message-ID": message_id,
            },
        )
        message.attach_alternative(
            substitute(envelope.html, values, HTML_PLACEHOLDERS), "text/html"
        )
        message.envelope_sender = return_path(recipient, envelope.message_id_tag)
        messages.append((recipient, message))
    result = BatchResult(sent={}, failed={})
    try:
        connection.open()
        for recipient, message in messages:
            try:
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as error:
                result.failed[recipient.delivery_id] = _refusal(error)
                continue
            except (smtplib.SMTPException, OSError) as error:
                # Keep what went through; the rest goes back to the queue.
                raise TransientSendError(
                    f"relay failed: {type(error).__name__}", partial=result
                ) from error
            # Our Message-ID is derived from the delivery id: nothing to store per row,
            # so the whole batch is marked sent in one UPDATE.
            result.sent[recipient.delivery_id] = ""
    except (smtplib.SMTPException, OSError) as error:
        raise TransientSendError(
            f"relay unreachable: {type(error).__name__}", partial=result
        ) from error
    finally:
        connection.close()
    return result


def _send_smtp(
    backend: SmtpBackend, envelope: Envelope, recipients: list[Recipient]
) -> BatchResult:
    """Django's SMTP connection, fed messages encoded once per batch (mime.Template)."""
    template = mime.Template.build(
        subject=single_line(envelope.subject),
        from_email=from_address(envelope.language),
        headers=common_headers(envelope),
        text=envelope.text,
        html=envelope.html,
        text_placeholders=PLACEHOLDERS,
        html_placeholders=HTML_PLACEHOLDERS,
    )
    # Every message is prepared before the first goes out, as the old path built its
    # EmailMessages: a row that cannot be encoded fails the batch before anything is
    # sent, and isolate_poison finds it without resending its neighbours.
    prepared = [
        (
            recipient,
            template.prepare(
                to=recipient.email,
                headers=[
                    (
                        "Message-ID",
                        message_id_for(
                            recipient.delivery_id,
                            envelope.mailing_id,
                            envelope.message_id_tag,
                        ),
                    ),
                    ("List-Unsubscribe", f"<{recipient.unsubscribe_url}>"),
                ],
                values=recipient.merge_values(),
            ),
        )
        for recipient in recipients
    ]
    connections = max(1, min(settings.MAILING_SMTP_CONNECTIONS, len(prepared) // 50))
    if connections == 1:
        return _send_over(backend, template, prepared, envelope.message_id_tag)
    # Each connection waits a round trip per message: a few side by side keep the relay
    # busy. Threads, since the waits release the GIL; each has its own connection.
    shares = [prepared[n::connections] for n in range(connections)]
    backends = [backend] + [
        get_connection(fail_silently=False) for _ in range(connections - 1)
    ]
    with ThreadPoolExecutor(connections, thread_name_prefix="smtp") as pool:
        futures = [
            pool.submit(_send_over, each, template, share, envelope.message_id_tag)
            for each, share in zip(backends, shares, strict=True)
        ]
    result, errors = BatchResult(sent={}, failed={}), []
    for future in futures:
        try:
            part = future.result()
        except TransientSendError as error:
            errors.append(error)
            part = error.partial
        result.sent.update(part.sent)
        result.failed.update(part.failed)
    if errors:
        raise TransientSendError(str(errors[0]), partial=result) from errors[0]
    return result


def _send_over(
    backend: SmtpBackend,
    template: mime.Template,
    prepared: list[tuple[Recipient, mime.Prepared]],
    tag: str = "",
) -> BatchResult:
    """Send prepared messages over one connection; a relay failure keeps the part sent."""
    result = BatchResult(sent={}, failed={})
    messages = (
        (recipient, message.to, partial(template.render, message))
        for recipient, message in prepared
    )
    bounce_to = settings.BOUNCE_ADDRESS or template.envelope_from

    def sender(recipient: Recipient) -> str:
        return return_path(recipient, tag) or bounce_to

    try:
        backend.open()
        sent = relay.send_each(backend.connection, sender, messages)
        for recipient, refused in sent:
            if refused is None:
                # The Message-ID comes from the delivery id: nothing to store per row,
                # so the whole batch is marked sent in one UPDATE.
                result.sent[recipient.delivery_id] = ""
            else:
                result.failed[recipient.delivery_id] = _refusal(refused)
    except (smtplib.SMTPException, OSError) as error:
        # Keep what went through; the rest goes back to the queue.
        raise TransientSendError(
            f"relay failed: {type(error).__name__}", partial=result
        ) from error
    finally:
        backend.close()
    return result


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    """The relay's codes only: its reply names the address (and the refusal is keyed
    by it), and a delivery row must not hold an address in clear, even after the
    person is erased (the row stays, without its subscriber)."""
    codes = []
    for code, reply in error.recipients.values():
        text = reply.decode("ascii", "replace") if isinstance(reply, bytes) else reply
        enhanced = ENHANCED_STATUS.match(str(text))
        codes.append(f"{code} {enhanced.group()}" if enhanced else str(code))
    return ("refused: " + ", ".join(codes))[:250]
