"""Write use-cases for events: RSVPs and their confirmation e-mail."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cms import ratelimit
from cms.requeue import queue_marked, requeue_unmarked
from subscribers import crypto

from .models import EventPage, Rsvp
from .rsvps import purge_places_on_commit

CLOSED = gettext_lazy("RSVPs for this event are closed: it has already started.")
CANCELLED = gettext_lazy("This event has been cancelled.")
FULL = gettext_lazy("Sorry, this event is full.")
NO_RSVP = gettext_lazy("This event does not take RSVPs here.")


def record_rsvp(
    *, event_id: int, name: str, email: str, language: str, join_list: bool = False
) -> Rsvp:
    """Record an RSVP (confirmed, or waitlisted when full) and queue its confirmation.

    Raises ValidationError, with nothing written, when the event is past, cancelled or
    full (also for an address that has a place: the answer must not tell). Safe to run
    twice: a second RSVP from the same address returns the first. E-mails stay within
    the address's daily allowance (cms.ratelimit.allow_confirmation_mail).
    With the broker down the RSVP is still stored and answered; the resend beat task
    queues its confirmation later.
    """
    with transaction.atomic():
        # Lock the event so two last-place RSVPs cannot both be confirmed.
        event = EventPage.objects.select_for_update().get(pk=event_id).canonical()
        if event.pk != event_id:
            event = EventPage.objects.select_for_update().get(pk=event.pk)
        refusal = _refusal(event)
        if refusal is not None:
            # Before looking the address up: a full event answers a guest and a
            # stranger alike (the guest's confirmation e-mail is what tells).
            raise refusal
        email_hash = crypto.lookup_hash(email)
        # One allowance per submission, for its confirmation and any list opt-in.
        mail_allowed = ratelimit.allow_confirmation_mail(email)
        existing = Rsvp.objects.filter(event=event, email_hash=email_hash).first()
        if existing is not None and existing.status != Rsvp.Status.CANCELLED:
            if mail_allowed:
                # Asking again sends the confirmation again (a lost e-mail), within
                # the address's daily allowance.
                existing_id = existing.pk
                transaction.on_commit(lambda: _queue_confirmation(existing_id, None))
            return existing
        status = Rsvp.Status.CONFIRMED
        if event.capacity is not None:
            # Places freed for the waitlist are theirs, first come first served. (A
            # full event without a waitlist was refused above, whoever asked.)
            queue = Rsvp.objects.filter(
                event=event, status=Rsvp.Status.WAITLISTED
            ).exists()
            if _taken(event) >= event.capacity or (queue and event.waitlist):
                status = Rsvp.Status.WAITLISTED
        claimed_at = timezone.now()
        waitlisted_at = claimed_at if status == Rsvp.Status.WAITLISTED else None
        if existing is not None:
            # They cancelled and changed their mind: the same row, at the back.
            Rsvp.objects.filter(pk=existing.pk).update(
                name=name.strip(),
                language=language,
                status=status,
                created_at=claimed_at,
                waitlisted_at=waitlisted_at,
                cancelled_at=None,
                confirmation_queued_at=claimed_at,
                version=F("version") + 1,
            )
            rsvp = Rsvp.objects.get(pk=existing.pk)
        else:
            try:
                with transaction.atomic():
                    rsvp = Rsvp.objects.create(
                        event=event,
                        name=name.strip(),
                        email=crypto.normalise_email(email),
                        email_hash=email_hash,
                        language=language,
                        status=status,
                        confirmation_queued_at=claimed_at,
                        waitlisted_at=waitlisted_at,
                    )
            except IntegrityError:
                return Rsvp.objects.get(event=event, email_hash=email_hash)
        if join_list and event.rsvp_list_id:
            from subscribers.services import request_signup

            request_signup(
                email=email,
                language=language,
                list_ids=[event.rsvp_list_id],
                source="rsvp",
                name=name.strip(),
                send_confirmation=mail_allowed,
            )
        purge_places_on_commit(event.pk)
        if mail_allowed:
            rsvp_id = rsvp.pk
            transaction.on_commit(lambda: _queue_confirmation(rsvp_id, claimed_at))
    return rsvp


def _taken(event: EventPage) -> int:
    return Rsvp.objects.filter(event=event, status=Rsvp.Status.CONFIRMED).count()


def _refusal(event: EventPage) -> ValidationError | None:
    if event.rsvp_mode != EventPage.RsvpMode.INTERNAL:
        return ValidationError(NO_RSVP, code="no_rsvp")
    if event.cancelled:
        return ValidationError(CANCELLED, code="cancelled")
    if event.start <= timezone.now():
        return ValidationError(CLOSED, code="closed")
    if (
        event.capacity is not None
        and not event.waitlist
        and _taken(event) >= event.capacity
    ):
        return ValidationError(FULL, code="full")
    return None


def rsvp_refusal(*, event_id: int) -> ValidationError | None:
    """Why the event takes no RSVP now (past, cancelled, full...), the same for every
    address; None when it takes them. For answers that must match record_rsvp's."""
    event = EventPage.objects.get(pk=event_id).canonical()
    return _refusal(event)


def _queue_confirmation(rsvp_id: int, claimed_at) -> bool:
    from events.tasks import send_rsvp_confirmation_task

    return queue_marked(
        send_rsvp_confirmation_task, Rsvp, rsvp_id, "confirmation_queued_at", claimed_at
    )


def resend_unqueued_confirmations(*, limit: int = 500) -> int:
    """Queue the RSVP confirmations a broker outage kept from the queue, each once;
    safe to run twice and in parallel (each row is claimed with a conditional UPDATE).

    Returns how many were queued; stops at the first publish that fails.
    """
    from events.tasks import send_rsvp_confirmation_task

    now = timezone.now()
    return requeue_unmarked(
        send_rsvp_confirmation_task,
        Rsvp.objects.filter(
            created_at__lt=now - timedelta(seconds=settings.EMAIL_RESEND_GRACE),
            created_at__gte=now - timedelta(seconds=settings.EMAIL_RESEND_MAX_AGE),
        ),
        "confirmation_queued_at",
        limit=limit,
    )


def send_rsvp_confirmation(*, rsvp_id: int) -> bool:
    """E-mail one RSVP its confirmation (or waitlist notice) with its calendar copy,
    the hidden address only when confirmed; safe to run twice (the worst case is a
    second copy)."""
    from events.guest_mail import CONFIRMATION, build_guest_email

    rsvp = Rsvp.objects.select_related("event").filter(pk=rsvp_id).first()
    if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
        return False
    build_guest_email(rsvp=rsvp, kind=CONFIRMATION).send()
    return True
