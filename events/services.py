"""Write use-cases for events: RSVPs and their confirmation e-mail."""

from contextlib import nullcontext
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.models import Locale

from cms import ratelimit
from cms.prepared import prepared_cursor
from subscribers import crypto

from . import guest_mail
from .models import EventPage, GuestMessage, Rsvp, confirmed_count, places_left_now
from .rsvps import lock_event, owe_message, purge_places_on_commit
from .signals import rsvp_confirmed

CLOSED = gettext_lazy("RSVPs for this event are closed: it has already started.")
CANCELLED = gettext_lazy("This event has been cancelled.")
FULL = gettext_lazy("Sorry, this event is full.")
NO_RSVP = gettext_lazy("This event does not take RSVPs here.")
EXPIRED = gettext_lazy(
    "This link has expired. Please RSVP again: the form sends you a new one."
)
MAIL_LIMIT = gettext_lazy(
    "We have already sent this mailbox as many e-mails about this event as we can "
    "today. If you have already RSVPed, your place is kept. If not, please try again "
    "tomorrow."
)


def record_rsvp(
    *,
    event_id: int,
    name: str,
    email: str,
    language: str,
    join_list: bool = False,
    event: EventPage | None = None,
    host: str | None = None,
    public_event: EventPage | None = None,
    mail_allowed: bool | None = None,
) -> Rsvp:
    """Record an RSVP (confirmed, or waitlisted when full) and owe its confirmation.

    Raises ValidationError, with nothing written, when the event is past, cancelled or
    full (also for an address that has a place: the answer must not tell). Safe to run
    twice: a second RSVP from the same address returns the first. E-mails stay within
    the mailbox's daily allowances for this event and for all events
    (cms.ratelimit.RSVP_MAIL, RSVP_MAILS), and no place is given without its
    confirmation: past either allowance nothing is claimed and the RSVP is refused ("mail_limit", after the event's own refusal if any), a
    repeat as well as a new address (``a+1@``, ``a+2@``...), so the answer does not
    tell whether the address had RSVPed.

    The confirmation is a GuestMessage row written with the RSVP (events.guest_mail
    sends it); the sender is queued after the commit unless one is already waiting
    (cms.wakeup), so a crowd's RSVPs queue it once, not once each. With the broker down
    the RSVP is still stored and answered; the beat queues the sender later.

    The decision (places, waitlist, a repeat) is taken with the event row locked, so two
    last-place RSVPs cannot both be confirmed. On PostgreSQL that is one call to
    ``events_claim_rsvp`` (migrations 0004, 0005), in autocommit unless a list opt-in
    must be written with it: the lock lasts one round trip, not a dozen.

    ``host`` is the site's host the RSVP came through: its readers' cached places
    fragments are re-rendered after the commit (events.rsvps.refill_places), with
    ``public_event`` when the caller has the process's public copy of the event.
    ``mail_allowed``: the mailbox's confirmation allowance when the caller took it
    already (and gives it back if this raises; False: refused, see above); None takes
    it here, and gives it back when the RSVP is refused.

    An event with ``confirm_by_email`` takes no place here: a new RSVP is stored as
    pending (no place, not counted) and owed a link to confirm it (confirm_rsvp takes
    the place); a repeat gets its link, or its confirmation, again. The same answer
    either way, and on PostgreSQL the same one call as any claim (a repeat, too,
    costs what a new RSVP costs: its timing must not tell that the address had
    RSVPed).
    """
    if event is not None and event.pk == event_id:
        # The caller's page (the RSVP view routed to it): no query to find it again.
        event = event.canonical()
    else:
        event = _canonical_event(event_id)
    event_id, list_id = event.pk, event.rsvp_list_id
    name = name.strip()
    email_hash = crypto.lookup_hash(email)
    claimed_at = timezone.now()
    in_one_call = connection.vendor == "postgresql"
    writes_more = join_list and list_id is not None
    pending = event.confirm_by_email
    took_allowance = mail_allowed is None
    if took_allowance:
        # One allowance per submission, for its confirmation and any list opt-in: the
        # event's, then the mailbox's across events.
        mail_allowed = ratelimit.allow(
            ratelimit.RSVP_MAIL, _mail_key(email, event_id)
        ) and ratelimit.allow(ratelimit.RSVP_MAILS, ratelimit.address_id(email))
    if not mail_allowed:
        # Past the mailbox's allowance nothing is claimed, whoever asks. A place must
        # come with its confirmation (its only cancel link, for some events the
        # address), and +tags share one mailbox's allowance. Only the claim, under the
        # event's lock, could tell a repeat from a new place (a cancellation or an
        # erasure turns one into the other), and answering the two differently would
        # tell a stranger who had RSVPed: both are refused, before the claim.
        raise rsvp_refusal(event_id=event_id) or ValidationError(
            MAIL_LIMIT, code="mail_limit"
        )
    atomic = writes_more or not in_one_call
    with transaction.atomic() if atomic else nullcontext():
        if in_one_call:
            claim = partial(_claim_in_postgres, pending=pending)
        else:
            claim = _claim_pending if pending else _claim_in_python
        try:
            outcome, rsvp_id, status, places, waitlisting = claim(
                event_id=event_id,
                name=name,
                email=email,
                email_hash=email_hash,
                language=language,
                now=claimed_at,
            )
            if outcome in REFUSALS:
                raise ValidationError(REFUSALS[outcome], code=outcome)
        except (ValidationError, EventPage.DoesNotExist):
            if took_allowance:
                # Nothing written, no e-mail: the allowances are not used up.
                ratelimit.give_back(ratelimit.RSVP_MAIL, _mail_key(email, event_id))
                ratelimit.give_back(ratelimit.RSVP_MAILS, ratelimit.address_id(email))
            raise
        if writes_more:
            # Kept for the worker like every public signup: recording it here would
            # take longer for a newcomer than for a list member. A repeat RSVP asks
            # too (it may tick the box the first one left), and costs the same.
            from subscribers.services import submit_signup

            submit_signup(
                email=email,
                language=language,
                list_ids=[list_id],
                source="rsvp",
                name=name,
                send_confirmation=True,
            )
        # A repeat ("existing") took no place; the claim owed its confirmation again.
        if outcome != "existing" and status == Rsvp.Status.CONFIRMED:
            rsvp_confirmed.send(sender=Rsvp, rsvp_id=rsvp_id, event_id=event_id)
            # A place taken: the fragments that show the places left change. (A
            # waitlisted guest takes none; an event without a capacity shows no
            # count: neither changes what any fragment shows.)
            if places[0] is not None:
                purge_places_on_commit(
                    event_id,
                    event.translation_key,
                    host=host,
                    public_event=public_event,
                    places=places,
                )
        transaction.on_commit(guest_mail.enqueue_sending)
    # What the claim returned, the other fields loaded only if read: the RSVP view
    # reads none of them, and a crowd's every RSVP would fetch and decrypt its row.
    rsvp = Rsvp.from_db(
        Rsvp.objects.db, ["id", "event_id", "status"], [rsvp_id, event_id, status]
    )
    # Whether the event was putting new guests on its waitlist when this RSVP was
    # decided: a fact of the event, the same for a repeat as for a new address, so
    # the page after the form may say it (the guest's status must not be shown).
    rsvp.event_waitlisting = bool(waitlisting)
    return rsvp


REFUSALS = {
    "no_rsvp": NO_RSVP,
    "cancelled": CANCELLED,
    "closed": CLOSED,
    "full": FULL,
}


def _mail_key(email: str, event_id: int) -> str:
    return ratelimit.rsvp_mail_key(ratelimit.address_id(email), event_id)


def _canonical_event(event_id: int) -> EventPage:
    """The default-locale event (RSVPs and places are shared by all translations),
    with only what an RSVP needs; EventPage.DoesNotExist for no event."""
    fields = ("locale_id", "translation_key", "rsvp_list_id", "confirm_by_email")
    event = EventPage.objects.only(*fields).get(pk=event_id)
    if event.locale_id != Locale.get_default().pk:
        source = (
            EventPage.objects.filter(
                translation_key=event.translation_key,
                locale_id=Locale.get_default().pk,
            )
            .only(*fields)
            .first()
        )
        if source is not None:
            event = source
    return event


def _claim_in_postgres(
    *, event_id, name, email, email_hash, language, now, pending=False
):
    """events_claim_rsvp: refusal, repeat or new place and what the guest is owed, in
    one round trip, as a prepared statement (cms/prepared.py). Returns (outcome, RSVP
    id, its status, places) where places, for a new or returned RSVP, is (places left
    or None without a capacity, EventPlaces.changes) after it. ``pending``: the event
    holds places until the guest confirms (a new guest is stored pending and owed the
    link to confirm), migration 0014."""
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT outcome, rsvp_id, rsvp_status, places_left, places_changes, "
            "waitlisting FROM events_claim_rsvp(%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                event_id,
                crypto.encrypt(name),
                crypto.encrypt(crypto.normalise_email(email)),
                email_hash,
                language,
                now,
                # p_owe: a place always owes its confirmation (record_rsvp refuses
                # before the claim when the mailbox's allowance is spent).
                True,
                pending,
            ],
            prepare=True,
        )
        outcome, rsvp_id, status, places_left, change, waitlisting = cursor.fetchone()
    if outcome == "missing":
        raise EventPage.DoesNotExist(f"no event {event_id}")
    return outcome, rsvp_id, status, (places_left, change), waitlisting


def _claim_in_python(**rsvp):
    """The same decision as events_claim_rsvp, inside the caller's transaction (on
    SQLite, which holds the database's write lock from BEGIN)."""
    outcome, rsvp_id, status, waitlisting = _decide_in_python(**rsvp)
    places = (None, None)
    if outcome == "existing":
        _owe_again(rsvp_id, status, rsvp["now"])
    elif outcome in ("created", "returned"):
        version = Rsvp.objects.values_list("version", flat=True).get(pk=rsvp_id)
        owe_message(rsvp_id, GuestMessage.Kind.CONFIRMATION, f"confirmation:{version}")
        event_id = rsvp["event_id"]
        capacity = EventPage.objects.values_list("capacity", flat=True).get(pk=event_id)
        places = places_left_now(event_id, capacity)
    return outcome, rsvp_id, status, places, waitlisting


def _claim_pending(**rsvp):
    """For an event with ``confirm_by_email``: the same refusals and repeats as a
    claim, under the event's lock, but a new (or returning) RSVP is stored pending,
    holds no place and is owed the link that confirms it. Inside the caller's
    transaction (on SQLite; PostgreSQL's claim takes ``pending``)."""
    outcome, rsvp_id, status, _waitlisting = _decide_in_python(**rsvp, pending=True)
    if outcome == "existing":
        _owe_again(rsvp_id, status, rsvp["now"])
    elif outcome in ("created", "returned"):
        version = Rsvp.objects.values_list("version", flat=True).get(pk=rsvp_id)
        kind = GuestMessage.Kind.CONFIRM_REQUEST
        owe_message(rsvp_id, kind, f"{kind}:{version}")
    return outcome, rsvp_id, status, (None, None), False


def _owe_again(rsvp_id: int, status: str, now) -> None:
    """A repeat RSVP: asking again sends the confirmation again (a lost e-mail),
    within the mailbox's daily allowance; a pending guest gets the link to confirm
    again. events_claim_rsvp does the same on PostgreSQL (migration 0014)."""
    kind = (
        GuestMessage.Kind.CONFIRM_REQUEST
        if status == Rsvp.Status.PENDING
        else GuestMessage.Kind.CONFIRMATION
    )
    owe_message(rsvp_id, kind, f"{kind}:again:{int(now.timestamp() * 1e6)}")


def _decide_in_python(
    *, event_id, name, email, email_hash, language, now, pending=False
):
    """(outcome, RSVP id, its status, whether a new guest would be waitlisted now)."""
    event = EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)
    refusal = _refusal(event)
    if refusal is not None:
        # Before looking the address up: a full event answers a guest and a
        # stranger alike (the guest's confirmation e-mail is what tells).
        return refusal.code, None, None, False
    # Decided before the address is looked up, as events_claim_rsvp does: what a
    # repeat is answered must be what a new guest is.
    status = Rsvp.Status.PENDING if pending else _place_status(event)
    waitlisting = status == Rsvp.Status.WAITLISTED
    existing = Rsvp.objects.filter(event=event, email_hash=email_hash).first()
    if existing is not None and existing.status != Rsvp.Status.CANCELLED:
        return "existing", existing.pk, existing.status, waitlisting
    waitlisted_at = now if status == Rsvp.Status.WAITLISTED else None
    if existing is not None:
        # They cancelled and changed their mind: the same row, at the back.
        Rsvp.objects.filter(pk=existing.pk).update(
            name=name,
            language=language,
            status=status,
            created_at=now,
            waitlisted_at=waitlisted_at,
            cancelled_at=None,
            version=F("version") + 1,
        )
        return "returned", existing.pk, status, waitlisting
    try:
        with transaction.atomic():
            rsvp = Rsvp.objects.create(
                event=event,
                name=name,
                email=crypto.normalise_email(email),
                email_hash=email_hash,
                language=language,
                status=status,
                waitlisted_at=waitlisted_at,
            )
    except IntegrityError:
        existing_id, existing_status = Rsvp.objects.values_list("pk", "status").get(
            event=event, email_hash=email_hash
        )
        return "existing", existing_id, existing_status, waitlisting
    return "created", rsvp.pk, status, waitlisting


def _place_status(event: EventPage) -> str:
    """Confirmed, or waitlisted when the event is full (with the event locked)."""
    if event.capacity is not None:
        # Places freed for the waitlist are theirs, first come first served. (A
        # full event without a waitlist was refused before, whoever asked.)
        queue = Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED)
        if _taken(event) >= event.capacity or (event.waitlist and queue.exists()):
            return Rsvp.Status.WAITLISTED
    return Rsvp.Status.CONFIRMED


def _taken(event: EventPage) -> int:
    return confirmed_count(event.pk)


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


def waitlisting_now(*, event_id: int) -> bool:
    """Whether a new RSVP to the event would go on its waitlist now, the same for
    every address: for answers given without a claim (an address over its limits)
    that must match what a claim would have said (RSVP.event_waitlisting)."""
    event = EventPage.objects.get(pk=event_id).canonical()
    if event.confirm_by_email or _refusal(event) is not None:
        return False
    return _place_status(event) == Rsvp.Status.WAITLISTED


def rsvp_refusal(*, event_id: int) -> ValidationError | None:
    """Why the event takes no RSVP now (past, cancelled, full...), the same for every
    address; None when it takes them. For answers that must match record_rsvp's."""
    event = EventPage.objects.get(pk=event_id).canonical()
    return _refusal(event)


def confirm_rsvp(*, rsvp_id: int) -> Rsvp:
    """The guest opened the link e-mailed for their pending RSVP: it takes a place, or
    the waitlist when the event is full, decided with the event's row locked as every
    RSVP, cancellation and promotion is, and is owed its confirmation (with the
    hidden address when confirmed). Exactly once: an RSVP no longer pending (a second
    tap, two tabs) is returned as it is, with nothing written.

    Raises ValidationError, with nothing written: "expired" once the link's time is up
    (Rsvp.confirm_by) or the RSVP is gone or cancelled; the event's own refusal
    (started, cancelled, full without a waitlist) otherwise. Rsvp.DoesNotExist for
    no such RSVP."""
    event_id = Rsvp.objects.values_list("event_id", flat=True).get(pk=rsvp_id)
    with transaction.atomic():
        event = lock_event(event_id)
        rsvp = Rsvp.objects.filter(pk=rsvp_id).first()
        if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
            raise ValidationError(EXPIRED, code="expired")
        if rsvp.status != Rsvp.Status.PENDING:
            return rsvp
        now = timezone.now()
        if now >= rsvp.confirm_by(event):
            raise ValidationError(EXPIRED, code="expired")
        refusal = _refusal(event)
        if refusal is not None:
            raise refusal
        status = _place_status(event)
        Rsvp.objects.filter(pk=rsvp.pk, status=Rsvp.Status.PENDING).update(
            status=status,
            waitlisted_at=now if status == Rsvp.Status.WAITLISTED else None,
            version=F("version") + 1,
        )
        rsvp.refresh_from_db()
        kind = GuestMessage.Kind.CONFIRMATION
        owe_message(rsvp.pk, kind, f"{kind}:{rsvp.version}")
        transaction.on_commit(guest_mail.enqueue_sending)
        if status == Rsvp.Status.CONFIRMED:
            rsvp_confirmed.send(sender=Rsvp, rsvp_id=rsvp.pk, event_id=event.pk)
            if event.capacity is not None:
                purge_places_on_commit(event.pk, event.translation_key)
    return rsvp


def purge_expired_pending_rsvps(*, now=None) -> int:
    """Delete the pending RSVPs whose link has expired (EVENT_RSVP_CONFIRM_HOURS
    after they were made, or their event started): they hold no place, and an address
    nobody proved is not kept. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.EVENT_RSVP_CONFIRM_HOURS)
    _total, by_model = (
        Rsvp.objects.filter(status=Rsvp.Status.PENDING)
        .filter(Q(created_at__lte=cutoff) | Q(event__start__lte=now))
        .delete()
    )
    # Their owed messages go with them (cascade): count the RSVPs.
    return by_model.get(Rsvp._meta.label, 0)


def send_rsvp_confirmation(*, rsvp_id: int) -> bool:
    """E-mail one RSVP its confirmation (or waitlist notice) with its calendar copy,
    the hidden address only when confirmed, now and without a GuestMessage row (the
    confirmation tasks queued before migration 0005); safe to run twice (the worst
    case is a second copy)."""
    from events.guest_mail import CONFIRMATION, build_guest_email

    rsvp = Rsvp.objects.select_related("event").filter(pk=rsvp_id).first()
    if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
        return False
    build_guest_email(rsvp=rsvp, kind=CONFIRMATION).send()
    return True
