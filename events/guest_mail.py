"""E-mails to one event guest, in the language they RSVPed in: the RSVP confirmation,
updates and cancellations, reminders, a place from the waitlist, their own cancellation.

The private address of an event goes only to a confirmed guest (in the text, the
calendar attachment and the calendar links); a waitlisted guest and everyone else get
the public location. Owed messages are GuestMessage rows, claimed (queued -> sending)
with a conditional UPDATE before they are sent, on the alerts lane.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.bidi import isolate_numbers_text
from cms.email.text import Links
from cms.languages import localized_url, site_name
from cms.local_time import local_time_name
from cms.mail.esp import mail_down, refused_for_good
from cms.mail.sender import from_address, reply_headers

from . import calendar_links, ical
from .models import GuestMessage, Rsvp, when_text
from .selectors import place_went_to_waitlist
from .tokens import make_cancel_token, make_confirm_token

logger = logging.getLogger(__name__)

CONFIRMATION = GuestMessage.Kind.CONFIRMATION
CONFIRM_REQUEST = GuestMessage.Kind.CONFIRM_REQUEST
# Tries of one message the mail server or ESP answered with an error; while either
# is unreachable, nothing is counted and the messages wait (mail_down).
MAX_ATTEMPTS = 5
# Attachments: a REQUEST is the guest's copy of the event, a CANCEL takes it away.
METHODS = {
    CONFIRMATION: "REQUEST",
    GuestMessage.Kind.UPDATE: "REQUEST",
    GuestMessage.Kind.PROMOTED: "REQUEST",
    GuestMessage.Kind.CANCELLATION: "CANCEL",
    GuestMessage.Kind.RSVP_CANCELLED: "CANCEL",
}
ENDED = (GuestMessage.Kind.CANCELLATION, GuestMessage.Kind.RSVP_CANCELLED)


def _subject(kind: str, rsvp: Rsvp, title: str) -> str:
    values = {"event": title, "title": title}
    if kind == CONFIRM_REQUEST:
        return _("Confirm your RSVP: %(event)s") % values
    if kind == CONFIRMATION and rsvp.status == Rsvp.Status.WAITLISTED:
        return _("You are on the waitlist: %(event)s") % values
    if kind in (CONFIRMATION, GuestMessage.Kind.PROMOTED):
        return _("Your RSVP is confirmed: %(event)s") % values
    if kind == GuestMessage.Kind.UPDATE:
        return _("Update: %(title)s") % values
    if kind == GuestMessage.Kind.CANCELLATION:
        return _("Cancelled: %(title)s") % values
    if kind == GuestMessage.Kind.REMINDER:
        return _("Reminder: %(title)s") % values
    if rsvp.left_waitlist:
        return _("You have left the waitlist: %(event)s") % values
    return _("Your RSVP is cancelled: %(event)s") % values


def _intro(kind: str, rsvp: Rsvp) -> str:
    # No name: nobody confirmed this address, and whoever filled in the form typed the
    # name; official mail must not carry a stranger's words (SECURITY.md).
    if kind == CONFIRM_REQUEST:
        return _(
            "Hello, someone asked for a place at this event with this e-mail address. "
            "To take it, open the link below: your place is held only once you do. "
            "If it was not you, ignore this e-mail: the request is deleted."
        )
    if kind == CONFIRMATION and rsvp.status == Rsvp.Status.WAITLISTED:
        return _(
            "Hello, the event is full for now: you are on the waitlist. We will write "
            "if a place opens."
        )
    if kind == CONFIRMATION:
        return _("Hello, your RSVP is confirmed.")
    if kind == GuestMessage.Kind.PROMOTED:
        return _("Good news: a place opened up and your RSVP is now confirmed.")
    if kind == GuestMessage.Kind.UPDATE:
        return _(
            "Hello, an event you RSVPed to has changed. Here is how it stands now."
        )
    if kind == GuestMessage.Kind.CANCELLATION:
        return _("Hello, this event has been cancelled.")
    if kind == GuestMessage.Kind.REMINDER:
        return _("Hello, a reminder: you are coming to this event.")
    if rsvp.left_waitlist:
        return _("Hello, you have left the waitlist. Thank you for telling us.")
    if not place_went_to_waitlist(rsvp):
        return _("Hello, your RSVP is cancelled. Thank you for telling us.")
    return _(
        "Hello, your RSVP is cancelled. Thank you for telling us: your place goes to "
        "the next person on the waitlist."
    )


def _change_labels(notice, event) -> list[str]:
    changes = notice.changes if notice else []
    labels = {
        "time": _("New time"),
        "place": _("New place"),
        "online": _("New online link"),
        "reinstated": _("The event is back on: it is no longer cancelled."),
    }
    if notice is not None and notice.previous_start and notice.previous_end:
        # A guest who put the old time in their diary must see what it was.
        labels["time"] = _(
            "New time: moved from %(before)s to %(after)s (%(clock)s)"
        ) % {
            "before": when_text(notice.previous_start, notice.previous_end),
            "after": when_text(event.start, event.end),
            "clock": local_time_name(),
        }
    return [labels[change] for change in changes if change in labels]


def _organizers_words(notice, language: str) -> str:
    """The organizer's words in the guest's language where they gave them."""
    if notice is None:
        return ""
    return (notice.messages or {}).get(language) or notice.message


def build_guest_email(
    *, rsvp: Rsvp, kind: str, notice=None, base_url: str | None = None
) -> EmailMultiAlternatives:
    """The e-mail for one guest in their language, with its calendar attachment."""
    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    links = Links(base_url)
    with translation.override(rsvp.language):
        event = rsvp.event.localized
        confirmed = rsvp.status == Rsvp.Status.CONFIRMED
        ended = kind in ENDED or event.cancelled
        private = confirmed and not ended
        still_open = not ended and event.start > timezone.now()
        cancel_url = confirm_url = ""
        if kind == CONFIRM_REQUEST:
            # The link that takes the place; nothing to cancel yet.
            token = make_confirm_token(rsvp.pk)
            confirm_url = links.absolute(f"{localized_url(event)}rsvp/confirm/{token}/")
        elif still_open and rsvp.status != Rsvp.Status.CANCELLED:
            token = make_cancel_token(rsvp.pk)
            cancel_url = links.absolute(f"{localized_url(event)}rsvp/cancel/{token}/")
        context = {
            "rsvp": rsvp,
            "event": event,
            "kind": kind,
            "subject": _subject(kind, rsvp, event.title),
            "intro": _intro(kind, rsvp),
            "changes": _change_labels(notice, event),
            "message": _organizers_words(notice, rsvp.language),
            "waitlisted": rsvp.status == Rsvp.Status.WAITLISTED,
            # The waitlist confirmation says so in its first line already.
            "waitlist_note": rsvp.status == Rsvp.Status.WAITLISTED
            and not ended
            and kind != CONFIRMATION,
            # Only the event's own cancellation is tagged: a guest's cancelled RSVP
            # is said in the subject and first line, and the event still takes place.
            "event_cancelled": kind == GuestMessage.Kind.CANCELLATION
            or event.cancelled,
            "location": event.location_text(include_hidden=private),
            "location_private": private,
            # Directions to the place, above all to a new one after an update; none
            # once it is over or cancelled (nowhere to go).
            "map_url": "" if ended else event.map_url_for(include_hidden=private),
            "private_address": private and event.hide_address and bool(event.address),
            "event_url": links.absolute(localized_url(event)),
            # Not before the guest confirmed: no place in their calendar yet.
            "calendar": None
            if ended or kind == CONFIRM_REQUEST
            else calendar_links.event_links(event, include_hidden=private),
            "cancel_url": cancel_url,
            "confirm_url": confirm_url,
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "site_name": site_name(),
            "language": rsvp.language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        message = EmailMultiAlternatives(
            subject=" ".join(context["subject"].split()),
            # Phone numbers, times and ZIPs keep their order inside right-to-left text.
            body=isolate_numbers_text(
                render_to_string("email/guest_message.txt", context), rsvp.language
            ),
            from_email=from_address(),
            to=[rsvp.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "Content-Language": rsvp.language,
                # A guest's question about the event reaches the office.
                **reply_headers(),
            },
        )
        message.attach_alternative(
            render_to_string("email/guest_message.html", context), "text/html"
        )
        method = METHODS.get(kind)
        if method:
            message.attach(ical.itip_attachment(event, rsvp=rsvp, method=method))
    return message


# --- the owed messages ------------------------------------------------------------
def enqueue_sending(**options) -> bool:
    """Queue the sender on the alerts lane, unless one is queued or sending
    (cms.wakeup): it finds its own work, so a crowd's RSVPs queue it once, not once
    each. If the broker is down, the beat task queues it later. ``options``: Celery's
    (a countdown)."""
    from cms.wakeup import wake
    from events.tasks import send_guest_messages_task

    return wake(send_guest_messages_task, queue="alerts", **options)


_NEEDED_STATUS = {
    GuestMessage.Kind.CONFIRM_REQUEST: (Rsvp.Status.PENDING, "already confirmed"),
    GuestMessage.Kind.REMINDER: (Rsvp.Status.CONFIRMED, "not confirmed"),
}


def _skip_reason(message: GuestMessage) -> str:
    from subscribers.services import blocks_all_mail

    rsvp, event = message.rsvp, message.rsvp.event
    now = timezone.now()
    if blocks_all_mail(rsvp.email_hash):
        # Suppressed addresses are never mailed (DESIGN.md): someone typing an erased
        # person's address into an RSVP form must not reach them.
        return "suppressed"
    if message.kind == GuestMessage.Kind.RSVP_CANCELLED:
        return ""
    if rsvp.status == Rsvp.Status.CANCELLED:
        return "guest cancelled"
    # A link to confirm and a reminder are for one state of the RSVP, and only
    # before an event that still takes place.
    needs = _NEEDED_STATUS.get(message.kind)
    if needs is not None:
        status, otherwise = needs
        if rsvp.status != status:
            return otherwise
        if event.cancelled:
            return "event cancelled"
        if event.start <= now:
            return "event started"
    if message.kind == GuestMessage.Kind.PROMOTED and event.start <= now:
        return "event started"
    if event.end <= now:
        return "event over"
    return ""


SENT, TAKEN, SKIPPED, FAILED, MAIL_DOWN = "sent", "taken", "skipped", "failed", "down"


def _send_one(pk: int) -> str:
    """Claim, then send or skip, one owed message; returns what became of it."""
    now = timezone.now()
    claimed = GuestMessage.objects.filter(
        pk=pk, status=GuestMessage.Status.QUEUED
    ).update(
        status=GuestMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return TAKEN  # another sender took it
    message = GuestMessage.objects.select_related("rsvp", "rsvp__event", "notice").get(
        pk=pk
    )
    rows = GuestMessage.objects.filter(pk=pk, status=GuestMessage.Status.SENDING)
    reason = _skip_reason(message)
    if reason:
        rows.update(status=GuestMessage.Status.SKIPPED, error=reason)
        return SKIPPED
    try:
        build_guest_email(
            rsvp=message.rsvp, kind=message.kind, notice=message.notice
        ).send()
    except Exception as error:  # noqa: BLE001 - any failure: retry later, then give up
        down = mail_down(error)
        failed = not down and (
            refused_for_good(error) or message.attempts >= MAX_ATTEMPTS
        )
        rows.update(
            status=GuestMessage.Status.FAILED if failed else GuestMessage.Status.QUEUED,
            error=type(error).__name__[:200],
            # Waiting for the server is not this message's failure.
            attempts=F("attempts") - 1 if down else F("attempts"),
        )
        logger.warning(
            "guest message %s not sent (%s)%s",
            pk,
            type(error).__name__,
            ", gave up" if failed else "",
        )
        return MAIL_DOWN if down else FAILED
    rows.update(status=GuestMessage.Status.SENT, sent_at=timezone.now(), error="")
    return SENT


def send_guest_messages(*, limit: int = 100) -> int:
    """Send up to ``limit`` owed guest messages, oldest first, each claimed before it
    is sent; returns how many were handled. Stops at the first that finds the mail
    server down (the beat wakes the sender again). Safe to run twice and in parallel:
    a message marked sent is never sent again."""
    handled, _stopped = send_owed_for(limit=limit, seconds=None)
    return handled


# Why send_owed_for stopped.
DONE, MORE, DOWN = "done", "more", "down"


def send_owed_for(*, limit: int, seconds: float | None) -> tuple[int, str]:
    """``send_guest_messages``, stopping too once ``seconds`` have passed (after at
    least one message). Returns (handled, why it stopped): MORE when it stopped at its
    limit or its time with messages left, DOWN when the mail server is down, else DONE.

    The sender runs on the alerts lane, whose one worker a rally alert must find free:
    a crowd's confirmations go out in turns of about ``seconds``, and an alert queued
    meanwhile waits for the end of a turn, not for a hundred messages."""
    deadline = None if seconds is None else time.monotonic() + seconds
    ids = list(
        GuestMessage.objects.filter(status=GuestMessage.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    handled = 0
    for done, pk in enumerate(ids, start=1):
        outcome = _send_one(pk)
        if outcome == MAIL_DOWN:
            return handled, DOWN
        handled += outcome != TAKEN
        if deadline is not None and time.monotonic() >= deadline:
            return handled, MORE if done < len(ids) or len(ids) == limit else DONE
    return handled, MORE if len(ids) == limit else DONE


def anything_owed() -> bool:
    return GuestMessage.objects.filter(status=GuestMessage.Status.QUEUED).exists()


def release_stale_claims() -> int:
    """Return to the queue the messages a worker claimed and never finished (it died):
    at least once, like mailings."""
    stale = timezone.now() - timedelta(seconds=settings.MAILING_SENDING_TIMEOUT)
    return GuestMessage.objects.filter(
        status=GuestMessage.Status.SENDING, claimed_at__lt=stale
    ).update(status=GuestMessage.Status.QUEUED)


def dispatch_guest_mail() -> dict[str, int]:
    """Beat: claim due reminders, release lost claims, and queue the sender when any
    guest message waits (also those a broker outage kept from the queue)."""
    from events.reminders import dispatch_due_reminders

    reminders = dispatch_due_reminders()
    released = release_stale_claims()
    waiting = anything_owed()
    if waiting:
        enqueue_sending()
    return {"reminders": reminders, "released": released, "waiting": int(waiting)}
