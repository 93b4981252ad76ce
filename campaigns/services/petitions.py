"""Signing a petition and verifying a signature."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Counter, PetitionPage, Signature
from campaigns.signals import signature_counted
from cms import mail_tokens, ratelimit
from cms.requeue import queue_marked, requeue_unmarked
from subscribers import crypto
from subscribers.models import Subscription
from subscribers.services import submit_signup

from .counters import increment_counter, sign_and_count

VERIFY_SALT = "campaigns.signature-verification"
VERIFY_MAX_AGE = 14 * 24 * 3600
# Longer than any link has existed: reads a genuine link whatever its age.
NO_AGE_LIMIT = 100 * 365 * 24 * 3600


class StalePetition(Exception):
    """The copy of the petition the caller signed on changed since it was checked:
    nothing was written; look the petition up again and sign on what is there now."""


@dataclass(frozen=True)
class SignOutcome:
    """What happened; views must answer the same whatever ``created`` says."""

    signature_id: int
    created: bool
    counted: bool


def record_signature(
    *,
    page: PetitionPage,
    email: str,
    language: str,
    name: str = "",
    zip_code: str = "",
    list_ids: Iterable[int] = (),
    list_language: str = "",
    copy_token: tuple[str, object] | None = None,
) -> SignOutcome:
    """Store one signature per mailbox per campaign and count it; signing again (with
    any +tag) changes nothing, but does the same work as a first signature.

    Without verification the campaign's counter moves in this same transaction; with it,
    the signature waits (and a verification e-mail is queued on commit, within the
    address's daily allowance) until ``verify_signature``. An opt-in goes through
    ``submit_signup`` to the worker's ``request_signup`` (source "petition").

    ``copy_token``: (name, value) of the memo token a process's copy of ``page`` was
    checked against on an earlier request (campaigns.selectors.petition_copy), or None
    when ``page`` was looked up for this one. A copy is checked before anything is
    written (in the signing statement itself on PostgreSQL's fast path); a changed
    petition raises ``StalePetition`` with nothing written.
    """
    normalised = crypto.normalise_email(email)
    email_hash = crypto.lookup_hash(normalised)
    # One signature per mailbox: ana+1@ and ana+2@ must not count twice. The address
    # is stored as typed (the verification e-mail goes there).
    mailbox_hash = crypto.mailbox_hash(normalised, email_hash=email_hash)
    campaign_id = page.campaign_id
    now = timezone.now()
    verify = page.require_verification
    wanted = set(list_ids)
    # A mailbox that signed already does what a new one does, statement for statement
    # (its row written back unchanged, the counter moved by 0, the allowance taken and
    # the verification task queued), so the time of the answer tells nobody who signed.
    if not verify and not wanted and connection.vendor == "postgresql":
        signature_id, created, fresh = sign_and_count(
            campaign_id=campaign_id,
            page_id=page.pk,
            row=_signature_row(
                normalised, email_hash, mailbox_hash, name, zip_code, language, now
            ),
            thresholds=page.campaign.thresholds,
            now=now,
            token=copy_token,
        )
        if not fresh:
            raise StalePetition
        if created:
            _counted(campaign_id, signature_id, page.pk)
        return SignOutcome(signature_id=signature_id, created=created, counted=created)
    if copy_token is not None and not selectors.petition_is_current(copy_token[1]):
        raise StalePetition
    with transaction.atomic():
        # Already signed (perhaps a moment ago, in a racing request): the first
        # signature is kept untouched, so nobody can rewrite someone else's name or ZIP.
        signature_id, created, pending = _insert_signature(
            campaign_id=campaign_id,
            page_id=page.pk,
            email=normalised,
            email_hash=email_hash,
            mailbox_hash=mailbox_hash,
            name=name,
            zip_code=zip_code,
            language=language,
            verified=not verify,
            now=now,
        )
        counted = False
        if not verify:
            increment_counter(
                campaign_id=campaign_id,
                kind=Counter.Kind.SIGNATURES,
                by=1 if created else 0,
                thresholds=page.campaign.thresholds,
            )
            counted = created
            if counted:
                _counted(campaign_id, signature_id, page.pk)
        allowed = wanted & set(page.campaign.offered_list_ids) if wanted else set()
        # A signature still to verify and lists to join: one e-mail, whose one link
        # counts the signature and confirms the lists (verify_signature). A signature
        # verified already has nothing to confirm: the lists' own e-mail asks.
        together = sorted(allowed) if verify and pending else []
        # One allowance per submission, for its verification and list confirmation,
        # taken for a signature already verified too (its task then sends nothing:
        # notifications.send_signature_verification mails pending ones only).
        # Refused, a new signature stays stamped queued, so no resend run sends it;
        # signing again another day asks again.
        mail_allowed = (verify or bool(allowed)) and (
            ratelimit.allow_confirmation_mail(normalised)
        )
        if verify and mail_allowed:
            # A new signature was stamped queued at insert; a repeat only asks again.
            claimed_at = now if created else None
            transaction.on_commit(
                lambda: _queue_verification(signature_id, claimed_at, together)
            )
        if allowed:
            # Kept for the worker: the same work whether or not the address is on a
            # list already (subscribers.services.submit_signup).
            submit_signup(
                email=normalised,
                language=list_language or language,
                list_ids=sorted(allowed),
                source=Subscription.Source.PETITION,
                name=name,
                zip_code=zip_code,
                # Asked in the verification e-mail instead: no second e-mail.
                send_confirmation=mail_allowed and not together,
            )
    return SignOutcome(signature_id=signature_id, created=created, counted=counted)


def _counted(campaign_id: int, signature_id: int, page_id: int | None) -> None:
    signature_counted.send(
        sender=Signature,
        campaign_id=campaign_id,
        signature_id=signature_id,
        page_id=page_id,
    )


def _insert_signature(
    *,
    campaign_id: int,
    page_id: int,
    email: str,
    email_hash: str,
    mailbox_hash: str,
    name: str,
    zip_code: str,
    language: str,
    verified: bool,
    now,
) -> tuple[int, bool, bool]:
    """Insert unless the mailbox already signed: (the signature's id, created, whether
    it is still pending).

    An upsert settles a race between two requests for one address in one statement (a
    concurrent twin waits for the first to commit, then takes the other branch), with
    no savepoint and no error to recover from. A repeat writes its row back unchanged
    rather than doing nothing: the same statement, a write to commit, and its id
    returned, so it costs what a new signature costs. The row returned holds this
    call's ciphertext (a fresh nonce) only if this call inserted it.
    """
    table = connection.ops.quote_name(Signature._meta.db_table)
    row = _signature_row(email, email_hash, mailbox_hash, name, zip_code, language, now)
    if not verified:
        # Stamped queued at insert: the on-commit publish releases the stamp if the
        # broker is down, and the resend task looks for exactly that.
        row.update(
            status=Signature.Status.PENDING,
            verified_at=None,
            verification_queued_at=row["created_at"],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, page_id, {', '.join(row)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * (len(row) + 2))}) "
            "ON CONFLICT (campaign_id, mailbox_hash) "
            f"DO UPDATE SET language = {table}.language RETURNING id, email, status",
            [campaign_id, page_id, *row.values()],
        )
        signature_id, stored, status = cursor.fetchone()
    return (
        int(signature_id),
        bytes(stored) == row["email"],
        status == Signature.Status.PENDING,
    )


def _signature_row(
    email, email_hash, mailbox_hash, name, zip_code, language, now
) -> dict:
    """A verified signature's columns (after campaign_id and page_id), encrypted."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    return {
        "email": crypto.encrypt(email),
        "email_hash": email_hash,
        "mailbox_hash": mailbox_hash,
        "name": crypto.encrypt(name) if name else None,
        "zip_code": zip_code,
        "language": language,
        "status": Signature.Status.VERIFIED,
        "created_at": stamp,
        "verified_at": stamp,
    }


def _queue_verification(signature_id: int, claimed_at, list_ids: list[int]) -> bool:
    from campaigns.tasks import send_signature_verification_task

    return queue_marked(
        send_signature_verification_task,
        Signature,
        signature_id,
        "verification_queued_at",
        claimed_at,
        *([list_ids] if list_ids else []),
    )


def resend_unqueued_verifications(*, limit: int = 500) -> int:
    """Queue the verification e-mails a broker outage kept from the queue, each once;
    safe to run twice and in parallel (each row is claimed with a conditional UPDATE).

    Returns how many were queued; stops at the first publish that fails.
    """
    from campaigns.tasks import send_signature_verification_task

    now = timezone.now()
    return requeue_unmarked(
        send_signature_verification_task,
        Signature.objects.filter(
            status=Signature.Status.PENDING,
            created_at__lt=now - timedelta(seconds=settings.EMAIL_RESEND_GRACE),
            created_at__gte=now - timedelta(seconds=settings.EMAIL_RESEND_MAX_AGE),
        ),
        "verification_queued_at",
        limit=limit,
    )


def verification_token(*, signature_id: int, list_ids: Iterable[int] = ()) -> str:
    """A signed, expiring token naming one signature, and the lists its signer asked
    to join in the same submission (confirmed by the same link); carries no address."""
    fields = [str(int(signature_id))]
    if list_ids:
        fields.append("-".join(str(int(pk)) for pk in sorted(set(list_ids))))
    return mail_tokens.dumps(VERIFY_SALT, *fields)


def _token_fields(
    token: str, *, max_age: int = VERIFY_MAX_AGE
) -> tuple[int, list[int]]:
    if ":" in token:
        # Mailed before the compact format (a django.core.signing token): honoured
        # for its age, so no pending signer's link breaks on an upgrade.
        signature_id = signing.loads(token, salt=VERIFY_SALT, max_age=max_age)
        if not isinstance(signature_id, int):
            raise signing.BadSignature("malformed payload")
        return signature_id, []
    fields = mail_tokens.loads(VERIFY_SALT, token, max_age=max_age)
    if len(fields) not in (1, 2) or "-" in fields[0]:
        raise signing.BadSignature("malformed payload")
    list_ids = [int(pk) for pk in fields[1].split("-")] if len(fields) == 2 else []
    return int(fields[0]), list_ids


def read_verification_token(token: str) -> tuple[Signature, list[int]] | None:
    """The signature a verification token names and the lists it confirms too, or
    None if it is bad or expired."""
    try:
        signature_id, list_ids = _token_fields(token)
    except signing.BadSignature:
        return None
    signature = Signature.objects.filter(pk=signature_id).first()
    return None if signature is None else (signature, list_ids)


def read_expired_verification_token(token: str) -> tuple[int, Signature | None] | None:
    """For a genuine verification link past its age: (the signature's id, the
    signature while it is kept: pending ones are purged at that age); None for any
    other link, good or bad. The page then says the link expired, in the signer's
    language, instead of calling it broken."""
    try:
        _token_fields(token)
    except signing.SignatureExpired:
        # Signed by us: only its age failed. Read again without one.
        signature_id, _list_ids = _token_fields(token, max_age=NO_AGE_LIMIT)
        return signature_id, Signature.objects.filter(pk=signature_id).first()
    except signing.BadSignature:
        return None
    return None


def signature_for_token(token: str) -> Signature | None:
    """The signature a verification token names, or None if it is bad or expired."""
    read = read_verification_token(token)
    return read[0] if read else None


def verify_signature(*, signature_id: int, list_ids: Iterable[int] = ()) -> bool:
    """Mark a pending signature verified and count it now, and confirm the signer's
    pending subscriptions to ``list_ids`` (the lists its link names: their double
    opt-in); safe to run twice.

    Returns True only for the call that counted it.
    """
    with transaction.atomic():
        if list_ids:
            _confirm_lists(signature_id, list(list_ids))
        row = (
            Signature.objects.filter(pk=signature_id)
            .values_list("campaign_id", "page_id")
            .first()
        )
        if row is None:
            return False
        campaign_id, page_id = row
        claimed = Signature.objects.filter(
            pk=signature_id, status=Signature.Status.PENDING
        ).update(status=Signature.Status.VERIFIED, verified_at=timezone.now())
        if not claimed:
            return False
        increment_counter(campaign_id=campaign_id, kind=Counter.Kind.SIGNATURES)
        _counted(campaign_id, signature_id, page_id)
    return True


def _confirm_lists(signature_id: int, list_ids: list[int]) -> None:
    from subscribers.models import Subscriber
    from subscribers.services import confirm_subscription

    # The signup was recorded under the same keyed hash of the same normalised address
    # (submit_signup); suppressed, or never recorded, there is nothing to confirm.
    signer_hash = Signature.objects.filter(pk=signature_id).values("email_hash")
    subscriber_id = (
        Subscriber.objects.filter(email_hash=Subquery(signer_hash[:1]))
        .values_list("pk", flat=True)
        .first()
    )
    if subscriber_id is not None:
        # No language: the lists' e-mails keep the one the signer chose for them
        # (the form's "Language for these e-mails"), which the signup recorded.
        confirm_subscription(subscriber_id=subscriber_id, list_ids=list_ids)


def purge_pending_signatures(*, older_than_seconds: int = VERIFY_MAX_AGE) -> int:
    """Delete signatures never verified once their link has expired; safe to run twice.

    They were never counted, so no counter moves. Returns how many were deleted.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    deleted, _ = Signature.objects.filter(
        status=Signature.Status.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted
