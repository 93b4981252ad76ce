"""Write use-cases for subscribers. Views, admin actions and tasks call these."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cms import ratelimit

from . import crypto
from .addresses import display_email
from .models import (
    AddressChangeNotice,
    EmailChange,
    MailingList,
    SignupPage,
    SignupRequest,
    Subscriber,
    Subscription,
    Suppression,
)
from .signals import (
    person_erasing,
    person_merging,
    person_readdressing,
    signup_confirmed,
    subscriptions_confirmed,
    unsubscribed,
)

logger = logging.getLogger(__name__)

# Someone who left can come back by confirming a new signup; a bounce, a complaint,
# an erasure or a staff block is lifted only by staff.
SELF_LIFTED = {Suppression.Reason.UNSUBSCRIBED}
# Sources whose pending subscriptions are owed a confirmation e-mail: asked for by the
# person (request_signup), or imported for someone known from lists the importer cannot
# see (subscribers.imports); staff and demo rows are not mailed by themselves.
REQUESTED_SOURCES = [
    Subscription.Source.SIGNUP,
    Subscription.Source.PETITION,
    Subscription.Source.RSVP,
    Subscription.Source.PARTNER,
    Subscription.Source.IMPORT,
]


def is_suppressed(email: str) -> bool:
    """True when the address must never be mailed (bounce, complaint, erasure...)."""
    return Suppression.objects.filter(email_hash=crypto.lookup_hash(email)).exists()


def blocks_all_mail(email_hash: str) -> bool:
    """A bounce, a complaint, an erasure or a staff block: not even a message the
    person asked for (an RSVP's confirmation) goes to this address. Leaving every
    list does not block those."""
    return _blocking_suppression(email_hash)


def _blocking_suppression(email_hash: str) -> bool:
    return (
        Suppression.objects.filter(email_hash=email_hash)
        .exclude(reason__in=SELF_LIFTED)
        .exists()
    )


@transaction.atomic
def submit_signup(
    *,
    email: str,
    language: str,
    list_ids: Iterable[int],
    source: str,
    name: str = "",
    zip_code: str = "",
    page_id: int | None = None,
    send_confirmation: bool | None = None,
) -> None:
    """A public form's signup: keep it (encrypted) for the worker, which records it
    with ``request_signup``, and queue that on commit. The same one row and one task
    (its id, never the address) for every address, so neither the answer nor its
    timing tells whether the address is already on a list; a broker outage leaves
    the row for ``requeue_signup_requests``."""
    from cms.requeue import queue_marked

    from .tasks import process_signup_request_task

    now = timezone.now()
    normalised = crypto.normalise_email(email)
    row = SignupRequest.objects.create(
        email=normalised,
        email_hash=crypto.lookup_hash(normalised),
        name=name or None,
        zip_code=zip_code,
        language=language,
        list_ids=sorted(int(pk) for pk in list_ids),
        source=source,
        page_id=page_id,
        send_confirmation=send_confirmation,
        queued_at=now,
        created_at=now,
    )
    transaction.on_commit(
        lambda: queue_marked(
            process_signup_request_task, SignupRequest, row.pk, "queued_at", now
        )
    )


def process_signup_request(*, request_id: int) -> bool:
    """The worker's part of ``submit_signup``: record the kept signup (request_signup:
    suppression, allowance, confirmation e-mail) and delete it, in one transaction.
    At most once: a task delivered again finds no row and does nothing. False then."""
    with transaction.atomic():
        # A twin delivery waits here, then finds the row gone.
        row = SignupRequest.objects.select_for_update().filter(pk=request_id).first()
        if row is None:
            return False
        request_signup(
            email=row.email,
            language=row.language,
            list_ids=row.list_ids,
            source=row.source,
            name=row.name or "",
            zip_code=row.zip_code,
            page_id=row.page_id,
            send_confirmation=row.send_confirmation,
        )
        row.delete()
    return True


def requeue_signup_requests(*, limit: int = 500) -> int:
    """Queue the kept signups a broker outage kept from the queue (older than
    EMAIL_RESEND_GRACE), and those whose worker failed (queued more than
    SIGNUP_REQUEST_RETRY_SECONDS ago), each once; safe to run twice and in parallel."""
    from cms.requeue import requeue_unmarked

    from .tasks import process_signup_request_task

    now = timezone.now()
    grace = now - timedelta(seconds=settings.EMAIL_RESEND_GRACE)
    # Queued long ago and still here: its worker failed or died before recording it
    # (a success deletes the row). Unmarked, it is queued again below.
    SignupRequest.objects.filter(
        queued_at__lt=now - timedelta(seconds=settings.SIGNUP_REQUEST_RETRY_SECONDS)
    ).update(queued_at=None)
    return requeue_unmarked(
        process_signup_request_task,
        SignupRequest.objects.filter(created_at__lt=grace),
        "queued_at",
        limit=limit,
    )


@transaction.atomic
def request_signup(
    *,
    email: str,
    language: str,
    list_ids: Iterable[int],
    source: str,
    name: str = "",
    zip_code: str = "",
    page_id: int | None = None,
    send_confirmation: bool | None = None,
) -> Subscriber | None:
    """Record a wish to join lists as pending subscriptions; never duplicates rows.

    Queues one confirmation e-mail (through the worker, at most one per subscriber per
    SUBSCRIBERS_CONFIRMATION_INTERVAL, and within the mailbox's daily allowance of
    confirmation e-mails, RATE_LIMIT_CONFIRMATION_MAILS_PER_ADDRESS). A caller that already took the allowance for the same
    submission passes ``send_confirmation`` (True: take none; False: send none).
    Returns the subscriber, or None when the address is suppressed (callers answer
    the same either way, so nobody learns whether an address is known).
    """
    email_hash = crypto.lookup_hash(email)
    if _blocking_suppression(email_hash):
        return None
    subscriber = (
        Subscriber.objects.select_for_update().filter(email_hash=email_hash).first()
    )
    if subscriber is None:
        subscriber = Subscriber.for_email(email, language=language, zip_code=zip_code)
        subscriber.name = name or None
        subscriber.save()
    # An existing person's name, ZIP and language change only through their own
    # preference centre: an unconfirmed form must not overwrite them.
    pending, fresh = [], False
    for mailing_list in MailingList.objects.filter(pk__in=list(list_ids)):
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            defaults={
                "status": Subscription.Status.PENDING,
                "source": source,
                "signup_page_id": page_id,
            },
        )
        if not created and subscription.status == Subscription.Status.UNSUBSCRIBED:
            # Coming back after leaving needs a fresh confirmation.
            subscription.status, subscription.source, subscription.signup_page_id = (
                Subscription.Status.PENDING,
                source,
                page_id,
            )
            subscription.save(
                update_fields=["status", "source", "signup_page", "updated_at"]
            )
            created = True
        if subscription.status == Subscription.Status.PENDING:
            pending.append(mailing_list.pk)
            fresh = fresh or created
    if pending:
        queue_confirmation(
            subscriber_id=subscriber.pk,
            email=email,
            list_ids=pending,
            page_id=page_id,
            language=language,
            send_confirmation=send_confirmation,
            new_lists=fresh,
        )
    return subscriber


def queue_confirmation(
    *,
    subscriber_id: int,
    email: str,
    list_ids: Iterable[int],
    language: str,
    page_id: int | None = None,
    send_confirmation: bool | None = None,
    new_lists: bool = True,
) -> None:
    """Queue the double opt-in e-mail for these pending lists when the transaction
    commits: at most one per subscriber per SUBSCRIBERS_CONFIRMATION_INTERVAL, within
    the mailbox's daily allowance (``send_confirmation``: see request_signup). Asked
    again within the interval for a list no e-mail named yet (``new_lists``), the
    confirmation is owed and goes out once the interval has passed
    (send_owed_confirmation); the same lists again (a double tap) send nothing."""
    claimed_at = _claim_confirmation_slot(subscriber_id)
    if claimed_at is None and send_confirmation is not False:
        _owe_confirmation(subscriber_id, language=language, new_lists=new_lists)
    elif claimed_at is not None and (
        Subscriber.objects.filter(pk=subscriber_id)
        .exclude(confirmation_owed_language="")
        .update(confirmation_owed_language="")
    ):
        # This e-mail is the one owed (its deferred task was late): it names them too.
        list_ids = {*list_ids, *_pending_requested(subscriber_id)}
    if claimed_at is not None and send_confirmation is None:
        send_confirmation = ratelimit.allow_confirmation_mail(email)
    # Refused: the slot stays taken (not "unqueued"), so no resend run sends it later.
    if claimed_at is not None and send_confirmation:
        args = (subscriber_id, sorted(list_ids), page_id, language)
        transaction.on_commit(lambda: _queue_confirmation(args, claimed_at))


@transaction.atomic
def record_consented_signup(
    *,
    email: str,
    language: str,
    list_ids: Iterable[int],
    consented_at,
    source: str = Subscription.Source.PARTNER,
    name: str = "",
    zip_code: str = "",
) -> tuple[Subscriber | None, list[int]]:
    """Confirm people at once whose consent a trusted partner collected and vouches for.

    Any suppression refuses it, even a global unsubscribe (which only the person lifts,
    by confirming a signup themselves); a list the person left stays left. Returns the
    subscriber and the lists confirmed by this call, or (None, []) when suppressed.
    """
    email_hash = crypto.lookup_hash(email)
    if Suppression.objects.filter(email_hash=email_hash).exists():
        return None, []
    subscriber = (
        Subscriber.objects.select_for_update().filter(email_hash=email_hash).first()
    )
    if subscriber is None:
        subscriber = Subscriber.for_email(email, language=language, zip_code=zip_code)
        subscriber.name = name or None
        subscriber.save()
    confirmed = []
    for mailing_list in MailingList.objects.filter(pk__in=list(list_ids)):
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            defaults={
                "status": Subscription.Status.CONFIRMED,
                "source": source,
                "consented_at": consented_at,
            },
        )
        if created:
            confirmed.append(mailing_list.pk)
        elif subscription.status == Subscription.Status.PENDING:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.consented_at = consented_at
            subscription.save(update_fields=["status", "consented_at", "updated_at"])
            confirmed.append(mailing_list.pk)
    if confirmed:
        subscriptions_confirmed.send(
            sender=Subscriber, subscriber_id=subscriber.pk, list_ids=confirmed
        )
    return subscriber, confirmed


def _claim_confirmation_slot(subscriber_id: int, *, unqueued_only: bool = False):
    """Take the subscriber's confirmation slot; the time it was taken, or None."""
    now = timezone.now()
    since = now - timedelta(seconds=settings.SUBSCRIBERS_CONFIRMATION_INTERVAL)
    free = Q(confirmation_sent_at__isnull=True)
    if not unqueued_only:
        free |= Q(confirmation_sent_at__lt=since)
    # A conditional UPDATE, so two simultaneous signups (or two resend runs) cannot
    # both send.
    taken = Subscriber.objects.filter(free, pk=subscriber_id).update(
        confirmation_sent_at=now
    )
    return now if taken else None


def _owe_confirmation(subscriber_id: int, *, language: str, new_lists: bool) -> None:
    from cms.celery import publish

    from .tasks import send_owed_confirmation_task

    owed = Subscriber.objects.filter(pk=subscriber_id)
    # The first request owed queues the one deferred task; later ones (a flood too)
    # only make their language the one it uses, so the latest request's wins.
    if new_lists and owed.filter(confirmation_owed_language="").update(
        confirmation_owed_language=language
    ):
        sent_at = owed.values_list("confirmation_sent_at", flat=True).first()
        interval = timedelta(seconds=settings.SUBSCRIBERS_CONFIRMATION_INTERVAL)
        wait = (sent_at + interval - timezone.now()).total_seconds() if sent_at else 0
        # A second more, so the slot is free when it runs; a task lost, or run too
        # early, leaves the mark for the resend beat (resend_unqueued_confirmations).
        transaction.on_commit(
            lambda: publish(
                send_owed_confirmation_task, subscriber_id, countdown=max(wait, 0) + 1
            )
        )
    else:
        owed.exclude(confirmation_owed_language="").update(
            confirmation_owed_language=language
        )


def send_owed_confirmation(*, subscriber_id: int) -> bool:
    """Queue the confirmation owed to requests made while the subscriber's slot was
    taken, once SUBSCRIBERS_CONFIRMATION_INTERVAL has passed: the same conditional
    UPDATE claims the slot (so many requests send one more e-mail at most), within the
    mailbox's daily allowance, naming every list still pending from requested
    sources, in the latest request's language. Safe to run twice; False when nothing
    is queued (nothing owed, the slot still taken, or the allowance used)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=subscriber_id)
            .exclude(confirmation_owed_language="")
            .first()
        )
        if subscriber is None:
            return False
        claimed_at = _claim_confirmation_slot(subscriber_id)
        if claimed_at is None:
            return False  # too early: the mark stays for the next run or the beat
        Subscriber.objects.filter(pk=subscriber_id).update(
            confirmation_owed_language=""
        )
        pending = list(
            _pending_requested(subscriber_id)
            .order_by("updated_at")
            .values_list("mailing_list_id", "signup_page_id")
        )
        # Refused (suppressed, nothing pending, allowance used): the slot stays taken.
        if (
            not pending
            or _blocking_suppression(subscriber.email_hash)
            or not ratelimit.allow_confirmation_mail(subscriber.email)
        ):
            return False
        pages = [page_id for _, page_id in pending if page_id]
        args = (
            subscriber_id,
            sorted(list_id for list_id, _ in pending),
            pages[-1] if pages else None,
            subscriber.confirmation_owed_language,
        )
        transaction.on_commit(lambda: _queue_confirmation(args, claimed_at))
    return True


def _pending_requested(subscriber_id: int) -> models.QuerySet:
    """The subscriber's pending lists that are owed a confirmation e-mail (ids)."""
    return Subscription.objects.filter(
        subscriber_id=subscriber_id,
        status=Subscription.Status.PENDING,
        source__in=REQUESTED_SOURCES,
    ).values_list("mailing_list_id", flat=True)


def _queue_confirmation(args: tuple, claimed_at) -> bool:
    from cms.celery import publish

    from .tasks import send_confirmation_task

    def release_slot(subscriber_id=args[0]):
        # Not queued: empty again is the "still to send" mark that the resend task
        # (and the person's next try) looks for. Only our own claim is released.
        Subscriber.objects.filter(
            pk=subscriber_id, confirmation_sent_at=claimed_at
        ).update(confirmation_sent_at=None)

    return publish(send_confirmation_task, *args, on_failure=release_slot)


def resend_unqueued_confirmations(*, limit: int = 500) -> int:
    """Queue the confirmations a broker outage kept from the queue, and those owed to
    requests made within the interval whose deferred task was lost or ran early
    (send_owed_confirmation), each once; safe to run twice and in parallel (each
    subscriber's slot is claimed first).

    Returns how many were queued; stops at the first publish that fails.
    """
    now = timezone.now()
    rows = (
        Subscription.objects.filter(
            status=Subscription.Status.PENDING,
            source__in=REQUESTED_SOURCES,
            subscriber__confirmation_sent_at__isnull=True,
            updated_at__lt=now - timedelta(seconds=settings.EMAIL_RESEND_GRACE),
            updated_at__gte=now - timedelta(seconds=settings.EMAIL_RESEND_MAX_AGE),
        )
        .order_by("updated_at")
        .values_list(
            "subscriber_id",
            "mailing_list_id",
            "signup_page_id",
            "subscriber__language",
        )[: limit * 4]
    )
    wanted: dict[int, dict] = {}
    for subscriber_id, list_id, page_id, language in rows:
        entry = wanted.setdefault(
            subscriber_id, {"lists": set(), "page": None, "language": language}
        )
        entry["lists"].add(list_id)
        entry["page"] = page_id or entry["page"]
    queued = 0
    for subscriber_id, entry in list(wanted.items())[:limit]:
        claimed_at = _claim_confirmation_slot(subscriber_id, unqueued_only=True)
        if claimed_at is None:
            continue  # another run, or the person's new signup, took it
        args = (subscriber_id, sorted(entry["lists"]), entry["page"], entry["language"])
        if not _queue_confirmation(args, claimed_at):
            return queued
        queued += 1
    interval = timedelta(seconds=settings.SUBSCRIBERS_CONFIRMATION_INTERVAL)
    owed = (
        Subscriber.objects.exclude(confirmation_owed_language="")
        .filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=now - interval)
        )
        .order_by("confirmation_sent_at")
        .values_list("pk", flat=True)[:limit]
    )
    for subscriber_id in list(owed):
        queued += send_owed_confirmation(subscriber_id=subscriber_id)
    return queued


def send_confirmation(
    *, subscriber_id: int, list_ids: list[int], page_id: int | None, language: str
) -> bool:
    """E-mail the double opt-in link in ``language``; safe to run twice (one more mail)."""
    from .emails import send_confirmation_email

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not subscriber.subscriptions.filter(
        mailing_list_id__in=list_ids, status=Subscription.Status.PENDING
    ):
        return False
    send_confirmation_email(
        subscriber=subscriber, list_ids=list_ids, page_id=page_id, language=language
    )
    return True


class LinkRequest:
    QUEUED = "queued"
    LIMITED = "limited"  # the address's allowance for today is used
    NONE = "none"  # no such subscriber, or suppressed: nothing is said


def request_preferences_link(*, subscriber_id: int) -> str:
    """Queue a fresh preferences link to the subscriber's own address, within its
    daily allowance; a LinkRequest value. The request writes nothing: whoever asks
    may hold only a forwarded bulletin, and revoking the owner's links here let them
    break those links again and again. The new link revokes the ones sent before it
    when it is first opened (open_preferences_link), in the owner's mailbox."""
    from cms.celery import publish

    from .tasks import send_preferences_link_task

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or _blocking_suppression(subscriber.email_hash):
        return LinkRequest.NONE
    if not ratelimit.allow_preferences_link(subscriber.email):
        return LinkRequest.LIMITED
    if not publish(send_preferences_link_task, subscriber.pk):
        return LinkRequest.NONE
    return LinkRequest.QUEUED


def open_preferences_link(*, subscriber: Subscriber, generation: int) -> None:
    """A genuine link of a later generation than the subscriber's is opened: the
    owner has it, so every link sent before it is revoked (the generation raised)."""
    if generation > subscriber.link_generation:
        Subscriber.objects.filter(
            pk=subscriber.pk, link_generation__lt=generation
        ).update(link_generation=generation)
        subscriber.link_generation = generation


def request_preferences_link_for_link(*, subscriber_id: int) -> None:
    """The same, asked from a link forwards carry (a footer, an unsubscribe link):
    one task with the id whoever it is, so the answer's timing does not tell whether
    the person is still here (looking them up, their suppressions and allowance took
    longer than finding nobody). The worker does the rest."""
    from cms.celery import publish

    from .tasks import preferences_link_for_id_task

    publish(preferences_link_for_id_task, int(subscriber_id))


def request_preferences_link_for_address(email: str) -> None:
    """The same for a typed address (a cut-off link's page); says nothing back, so
    the page cannot tell a known address from an unknown one. The request does the
    same work for both, one keyed hash and one task with it (never the address): the
    worker looks the address up, so the answer's timing tells nothing either."""
    from cms.celery import publish

    from .tasks import preferences_link_for_hash_task

    publish(preferences_link_for_hash_task, crypto.lookup_hash(email))


def request_preferences_link_for_hash(email_hash: str) -> str:
    """The worker's part of the above: a LinkRequest value."""
    subscriber_id = (
        Subscriber.objects.filter(email_hash=email_hash)
        .values_list("pk", flat=True)
        .first()
    )
    if subscriber_id is None:
        return LinkRequest.NONE
    return request_preferences_link(subscriber_id=subscriber_id)


def send_preferences_link(*, subscriber_id: int) -> bool:
    """E-mail the subscriber a full preferences link made now; safe to run twice.
    The link carries the next link generation, read when it is sent (not when it
    was asked for: an address change in between revokes it), so opening it revokes
    every link sent before (open_preferences_link); until then they all work."""
    from .emails import send_preferences_link_email

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or _blocking_suppression(subscriber.email_hash):
        return False
    send_preferences_link_email(
        subscriber=subscriber, generation=subscriber.link_generation + 1
    )
    return True


def request_email_change(*, subscriber_id: int, email: str) -> None:
    """Keep the new address (encrypted) and queue the confirmation link to it. The
    same one row and one task (ids only) whatever the address is, so neither the
    page's answer nor its timing tells whether it is known or suppressed: the worker
    decides whether to send (send_email_change). Asking again replaces the earlier
    request, whose link then stops working."""
    from cms.celery import publish

    from .tasks import send_email_change_task

    normalised = crypto.normalise_email(email)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        )
        if subscriber is None:
            return
        EmailChange.objects.filter(subscriber=subscriber).delete()
        row = EmailChange.objects.create(subscriber=subscriber, email=normalised)
        transaction.on_commit(lambda: publish(send_email_change_task, row.pk))


def send_email_change(*, change_id: int) -> bool:
    """The worker's part: e-mail the link to the new address, in the subscriber's
    language, unless that address must not be mailed (a bounce, a complaint, an
    erasure, a staff block) or its daily allowance of confirmation e-mails is used."""
    from .emails import send_email_change_email

    row = EmailChange.objects.select_related("subscriber").filter(pk=change_id).first()
    if row is None or _blocking_suppression(crypto.lookup_hash(row.email)):
        return False
    if not ratelimit.allow_confirmation_mail(row.email):
        return False
    send_email_change_email(change=row)
    return True


def change_email(*, subscriber_id: int, change_id: int) -> bool:
    """_change_email, once more if it met a unique constraint: a signature or an RSVP
    written under the new address in the same instant (another request, between the
    settling of what both addresses hold and the re-filing) made the move fail with a
    500. Nothing of the first try is kept; the second settles that row like any other."""
    try:
        return _change_email(subscriber_id=subscriber_id, change_id=change_id)
    except IntegrityError:
        return _change_email(subscriber_id=subscriber_id, change_id=change_id)


@transaction.atomic
def _change_email(*, subscriber_id: int, change_id: int) -> bool:
    """Move the subscriber to the address its confirmed EmailChange holds: address
    and hash replaced, every earlier preferences link revoked. The new mailbox has
    just proved itself, so leaving every list on it is lifted as a confirmed signup
    lifts it. When the address already belongs to another subscriber, that record is
    the same person's: this one (its language, name, ZIP) gains that one's lists
    (confirmed wins over pending or left) and partner consents, and that one goes.
    Every row filed under the old address's keyed hash (RSVPs, signatures) moves to
    the new address, in this transaction, so erasure and "download my data" find it
    (_refile_rows). False, writing nothing, when the request is gone (used, replaced,
    expired) or the address may no longer be mailed."""
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    row = (
        EmailChange.objects.select_for_update()
        .filter(pk=change_id, subscriber_id=subscriber_id)
        .first()
    )
    if subscriber is None or row is None:
        return False
    max_age = timedelta(hours=settings.SUBSCRIBERS_MAILED_LINK_HOURS)
    email = crypto.normalise_email(row.email)
    email_hash = crypto.lookup_hash(email)
    if row.created_at < timezone.now() - max_age or _blocking_suppression(email_hash):
        return False
    other = (
        Subscriber.objects.select_for_update()
        .filter(email_hash=email_hash)
        .exclude(pk=subscriber.pk)
        .first()
    )
    relinked: dict[int, int | None] = {}
    if other is not None:
        relinked = _merge_subscriber(into=subscriber, other=other)
    _refile_rows(old_hash=subscriber.email_hash, email=email, email_hash=email_hash)
    Suppression.objects.filter(email_hash=email_hash, reason__in=SELF_LIFTED).delete()
    if subscriber.email_hash != email_hash:
        _notify_old_address(subscriber)
    subscriber.email, subscriber.email_hash = email, email_hash
    # Past the next generation too, which the links mailed on request but not yet
    # opened carry (send_preferences_link): those went to the old address.
    subscriber.link_generation += 2
    subscriber.save(
        update_fields=["email", "email_hash", "link_generation", "updated_at"]
    )
    row.delete()
    if relinked:
        _reconfirm_merged_lists(subscriber, relinked)
    # Ids only: neither address goes into the logs.
    logger.info(
        "subscriber %s changed e-mail address%s",
        subscriber.pk,
        " (merged another record)" if other is not None else "",
    )
    return True


def _notify_old_address(subscriber: Subscriber) -> None:
    """Keep the address being left (encrypted, in a row of its own) just long enough
    to tell it about the change: whoever reads that mailbox learns that this
    address no longer gets our e-mails, and, if the change was not theirs, whom to
    call. Queued with the row's id once the change commits."""
    from cms.celery import publish

    from .tasks import send_address_change_notice_task

    notice = AddressChangeNotice.objects.create(
        email=subscriber.email, language=subscriber.language
    )
    transaction.on_commit(lambda: publish(send_address_change_notice_task, notice.pk))


def send_address_change_notice(*, notice_id: int) -> bool:
    """The worker's part: the short notice to the address a subscriber left, in their
    language, naming neither their lists nor the new address; then the address is
    deleted. Nothing is sent to an address that must not be mailed. Safe to run
    twice (the row is gone after the first)."""
    from .emails import send_address_change_notice_email

    notice = AddressChangeNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        return False
    sent = not _blocking_suppression(crypto.lookup_hash(notice.email))
    if sent:
        send_address_change_notice_email(notice=notice)
    notice.delete()
    return sent


def _merge_subscriber(*, into: Subscriber, other: Subscriber) -> dict[int, int | None]:
    """Give ``into`` the lists and partner consents of ``other``, then delete it
    (its deliveries keep the mailings' counts, as on erasure). Returns the lists that
    are pending on ``into`` because of ``other``'s signups (list id -> signup page
    id): their confirmation links named ``other``, which is gone."""
    mine = dict(into.subscriptions.values_list("mailing_list_id", "status"))
    relinked: dict[int, int | None] = {}
    for item in other.subscriptions.all():
        status = mine.get(item.mailing_list_id)
        if status is None:
            item.subscriber = into
            item.save(update_fields=["subscriber", "updated_at"])
        elif (
            item.status == Subscription.Status.CONFIRMED
            and status != Subscription.Status.CONFIRMED
        ) or (
            # A signup to a list this record had left: the newer wish, still to be
            # confirmed by the mailbox it was made for (the new one).
            item.status == Subscription.Status.PENDING
            and status == Subscription.Status.UNSUBSCRIBED
        ):
            Subscription.objects.filter(
                subscriber=into, mailing_list_id=item.mailing_list_id
            ).update(
                status=item.status,
                source=item.source,
                consented_at=item.consented_at,
                signup_page_id=item.signup_page_id,
                updated_at=timezone.now(),
            )
        else:
            continue
        if item.status == Subscription.Status.PENDING and (
            item.source in REQUESTED_SOURCES
        ):
            relinked[item.mailing_list_id] = item.signup_page_id
    consents = apps.get_model("partners", "PartnerConsent")
    consents.objects.filter(subscriber=other).update(subscriber=into)
    person_merging.send(sender=Subscriber, into_id=into.pk, other_id=other.pk)
    other.delete()
    return relinked


def _reconfirm_merged_lists(
    subscriber: Subscriber, lists: dict[int, int | None]
) -> None:
    """The merged record's pending lists were waiting for a link that named it, dead
    with it: a fresh confirmation goes to the (new) address, in the person's language,
    once the change commits. Not confirmed outright: opening the change link proves
    the mailbox, not that its owner made those signups (anyone can type an address
    into a form), and double opt-in asks exactly that. Queued like a signup's
    (the slot marks it sent; a broker outage leaves it to the resend sweep)."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    page_id = next((page for page in lists.values() if page), None)
    args = (subscriber.pk, sorted(lists), page_id, subscriber.language)
    transaction.on_commit(lambda: _queue_confirmation(args, now))


def _refile_rows(*, old_hash: str, email: str, email_hash: str) -> None:
    """Re-file every row kept under the old address's keyed hash (RSVPs, signatures,
    a signup waiting for the worker) under the new address: its hash, its mailbox
    hash where the model has one, and the address itself, encrypted anew. Apps settle
    first, on person_readdressing, what both addresses hold a row for (one RSVP per
    event, one signature per mailbox and petition)."""
    if old_hash == email_hash:
        return
    person_readdressing.send(
        sender=Subscriber, old_hash=old_hash, email=email, email_hash=email_hash
    )
    mailbox = crypto.mailbox_hash(email, email_hash=email_hash)
    for model in hash_keyed_models():
        names = {field.name for field in model._meta.concrete_fields}
        fields = {"email_hash": email_hash}
        if "email" in names:
            fields["email"] = email
        if "mailbox_hash" in names:
            fields["mailbox_hash"] = mailbox
        model._default_manager.filter(email_hash=old_hash).update(**fields)


@transaction.atomic
def confirm_subscription(
    *,
    subscriber_id: int,
    list_ids: Iterable[int],
    page_id: int | None = None,
    language: str | None = None,
) -> int | None:
    """Confirm the pending subscriptions named in a confirmation link.

    Returns how many moved to confirmed (0 on a second click), or None when the
    subscriber no longer exists. Sends ``signup_confirmed`` once per confirmation of a
    signup page tied to a campaign. A person's first confirmation also makes
    ``language`` (the confirmed mail's) theirs: until then their language is only
    what the first unconfirmed form said, which may have been sent by mistake.
    """
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None:
        return None
    chose_before = subscriber.subscriptions.filter(
        status__in=[Subscription.Status.CONFIRMED, Subscription.Status.UNSUBSCRIBED]
    ).exists()
    pending = Subscription.objects.filter(
        subscriber=subscriber,
        mailing_list_id__in=list(list_ids),
        status=Subscription.Status.PENDING,
    )
    # The subscriber row is locked: the lists read here are the ones updated below.
    confirmed_lists = sorted(pending.values_list("mailing_list_id", flat=True))
    confirmed = pending.update(
        status=Subscription.Status.CONFIRMED,
        consented_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if confirmed:
        if (
            not chose_before
            and language in dict(settings.LANGUAGES)
            and language != subscriber.language
        ):
            subscriber.language = language
            subscriber.save(update_fields=["language", "updated_at"])
        subscriptions_confirmed.send(
            sender=Subscriber, subscriber_id=subscriber.pk, list_ids=confirmed_lists
        )
        Suppression.objects.filter(
            email_hash=subscriber.email_hash, reason__in=SELF_LIFTED
        ).delete()
        campaign_id = (
            SignupPage.objects.filter(pk=page_id)
            .values_list("campaign_id", flat=True)
            .first()
            if page_id
            else None
        )
        if campaign_id:
            signup_confirmed.send(
                sender=SignupPage,
                campaign_id=campaign_id,
                subscriber_id=subscriber.pk,
                page_id=page_id,
            )
    return confirmed


@transaction.atomic
def unsubscribe(
    *,
    subscriber_id: int,
    list_ids: Iterable[int] | None = None,
    mailing_id: int | None = None,
) -> bool:
    """Leave some lists, or everything (then the address is suppressed); idempotent.

    Returns False when the subscriber no longer exists (already erased).
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    subscriptions = Subscription.objects.filter(subscriber=subscriber).exclude(
        status=Subscription.Status.UNSUBSCRIBED
    )
    if list_ids is not None:
        list_ids = list(list_ids)
        subscriptions = subscriptions.filter(mailing_list_id__in=list_ids)
    subscriptions.update(
        status=Subscription.Status.UNSUBSCRIBED, updated_at=timezone.now()
    )
    if list_ids is None:
        Suppression.objects.get_or_create(
            email_hash=subscriber.email_hash,
            defaults={"reason": Suppression.Reason.UNSUBSCRIBED},
        )
    unsubscribed.send(
        sender=Subscriber,
        subscriber_id=subscriber.pk,
        list_ids=list_ids,
        mailing_id=mailing_id,
    )
    return True


@transaction.atomic
def update_preferences(
    *, subscriber_id: int, language: str, list_ids: Iterable[int]
) -> bool:
    """Set language and lists from the preference centre.

    Lists left are unsubscribed; lists joined are confirmed at once (the signed link
    proves the mailbox), except for a suppressed address, which must sign up and
    confirm again. A pending list not ticked stays pending: the page never ticks one
    (it may be a stranger's signup), so leaving it unticked says nothing, and its own
    confirmation e-mail still works (an unconfirmed one is purged after
    SUBSCRIBERS_PENDING_DAYS). Returns False when lists were refused for that reason.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber_id)
    subscriber.language = language
    subscriber.save(update_fields=["language", "updated_at"])
    wanted = set(
        MailingList.objects.filter(pk__in=list(list_ids)).values_list("pk", flat=True)
    )
    Subscription.objects.filter(subscriber=subscriber).exclude(
        mailing_list_id__in=wanted
    ).filter(status=Subscription.Status.CONFIRMED).update(
        status=Subscription.Status.UNSUBSCRIBED, updated_at=timezone.now()
    )
    current = set(
        Subscription.objects.filter(
            subscriber=subscriber,
            mailing_list_id__in=wanted,
            status=Subscription.Status.CONFIRMED,
        ).values_list("mailing_list_id", flat=True)
    )
    joining = wanted - current
    if joining and is_suppressed(subscriber.email):
        return False
    now = timezone.now()
    for list_id in joining:
        Subscription.objects.update_or_create(
            subscriber=subscriber,
            mailing_list_id=list_id,
            defaults={
                "status": Subscription.Status.CONFIRMED,
                "source": Subscription.Source.PREFERENCES,
                "consented_at": now,
            },
        )
    return True


@transaction.atomic
def erase_subscriber(*, subscriber_id: int) -> bool:
    """Hard-delete a person and their subscriptions; only a hashed suppression stays."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    erase_address(email_hash=subscriber.email_hash)
    return True


@transaction.atomic
def erase_address(*, email_hash: str) -> None:
    """Delete everything held about the address with this keyed hash (the person, their
    subscriptions, signatures, RSVPs, waiting signups) and keep it suppressed; safe to
    run twice, and for an address we never knew (staff erasing on a phoned request)."""
    # An earlier bounce, complaint or staff block is kept: it blocks as much. Leaving
    # every list is not kept: the person could lift it by signing up again, and an
    # erased address must stay blocked (the unsubscribe page leads here).
    suppression, _created = Suppression.objects.get_or_create(
        email_hash=email_hash, defaults={"reason": Suppression.Reason.ERASED}
    )
    if suppression.reason in SELF_LIFTED:
        suppression.reason = Suppression.Reason.ERASED
        suppression.save(update_fields=["reason"])
    person_erasing.send(sender=Subscriber, email_hash=email_hash)
    # Signatures, RSVPs and any later row found by the same keyed hash go too.
    for model in hash_keyed_models():
        model._default_manager.filter(email_hash=email_hash).delete()
    Subscriber.objects.filter(email_hash=email_hash).delete()


def hash_keyed_models() -> list[type[models.Model]]:
    """Models that hold a person by the keyed hash of their address (not suppressions)."""
    return [
        model
        for model in apps.get_models()
        if model not in (Subscriber, Suppression)
        and any(field.name == "email_hash" for field in model._meta.concrete_fields)
    ]


def subscriber_relations() -> list:
    """Reverse relations from Subscriber to rows about one person (FKs and one-to-ones)."""
    return [
        relation
        for relation in Subscriber._meta.related_objects
        if relation.one_to_many or relation.one_to_one
    ]


def _row(instance: models.Model) -> dict:
    row = {}
    for field in instance._meta.concrete_fields:
        # Keyed hashes mean nothing to the person and are no data about them.
        if field.name in ("email_hash", "mailbox_hash") or field.primary_key:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            if isinstance(related, Subscriber):
                continue
            row[field.name] = str(related) if related is not None else None
            continue
        value = field.value_from_object(instance)
        row[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return row


def _linked_rows(subscriber: Subscriber) -> dict[str, list[dict]]:
    """Every other row that points at this person, by foreign key or by keyed hash."""
    linked: dict[str, list[dict]] = {}
    for relation in subscriber_relations():
        model = relation.related_model
        if model is Subscription:
            continue  # exported above, with list names
        rows = model._default_manager.filter(**{relation.field.name: subscriber})
        linked[model._meta.label_lower] = [_row(item) for item in rows]
    for model in hash_keyed_models():
        rows = model._default_manager.filter(email_hash=subscriber.email_hash)
        linked[model._meta.label_lower] = [_row(item) for item in rows]
    return linked


def export_subscriber_data(*, subscriber_id: int) -> dict | None:
    """Every row we hold about one person, as JSON-ready data (for 'download my data')."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return None
    subscriptions = (
        subscriber.subscriptions.select_related("mailing_list")
        .prefetch_related("mailing_list__translations")
        .order_by("mailing_list__name")
    )
    suppression = Suppression.objects.filter(email_hash=subscriber.email_hash).first()
    return {
        "subscriber": {
            "id": subscriber.pk,
            "email": display_email(subscriber.email),
            "name": subscriber.name or "",
            "language": subscriber.language,
            "zip_code": subscriber.zip_code,
            "confirmation_sent_at": _iso(subscriber.confirmation_sent_at),
            "confirmation_owed_language": subscriber.confirmation_owed_language,
            "created_at": _iso(subscriber.created_at),
            "updated_at": _iso(subscriber.updated_at),
        },
        "subscriptions": [
            {
                "list": item.mailing_list.translated("name", subscriber.language),
                "status": item.status,
                "source": item.source,
                "consented_at": _iso(item.consented_at),
                "created_at": _iso(item.created_at),
                "updated_at": _iso(item.updated_at),
            }
            for item in subscriptions
        ],
        "suppression": (
            {"reason": suppression.reason, "created_at": _iso(suppression.created_at)}
            if suppression
            else None
        ),
        **_linked_rows(subscriber),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def purge_unconfirmed(*, now=None) -> int:
    """Delete signups left unconfirmed for SUBSCRIBERS_PENDING_DAYS; safe to run twice.

    Returns how many subscribers were deleted outright.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUBSCRIBERS_PENDING_DAYS)
    # A notice to a left address whose task was lost (a broker outage): the
    # address is not kept waiting for it.
    AddressChangeNotice.objects.filter(
        created_at__lt=(now or timezone.now())
        - timedelta(hours=settings.SUBSCRIBERS_MAILED_LINK_HOURS)
    ).delete()
    # An address change whose link has expired can no longer be confirmed.
    EmailChange.objects.filter(
        created_at__lt=(now or timezone.now())
        - timedelta(hours=settings.SUBSCRIBERS_MAILED_LINK_HOURS)
    ).delete()
    Subscription.objects.filter(
        status=Subscription.Status.PENDING, created_at__lt=cutoff
    ).delete()
    _, per_model = Subscriber.objects.filter(
        created_at__lt=cutoff, subscriptions__isnull=True
    ).delete()
    return per_model.get(Subscriber._meta.label, 0)


def purge_unsubscribed(*, now=None, batch_size: int = 500) -> int:
    """Delete people who left every list SUBSCRIBERS_UNSUBSCRIBED_DAYS ago or more,
    keeping only a hashed suppression; safe to run twice and beside signups.

    Returns how many subscribers were deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.SUBSCRIBERS_UNSUBSCRIBED_DAYS
    )
    deleted = 0
    while True:
        with transaction.atomic():
            batch = _lock_departed_batch(cutoff, batch_size=batch_size)
            if not batch:
                return deleted
            deleted += _forget_departed(batch)


def _departed(cutoff) -> models.QuerySet:
    """People with subscriptions, all unsubscribed, none changed since ``cutoff``."""
    subscriptions = Subscription.objects.filter(subscriber=OuterRef("pk"))
    still_here = subscriptions.filter(
        Q(status__in=[Subscription.Status.PENDING, Subscription.Status.CONFIRMED])
        | Q(updated_at__gte=cutoff)
    )
    return Subscriber.objects.filter(Exists(subscriptions)).exclude(Exists(still_here))


def _lock_departed_batch(cutoff, *, batch_size: int) -> list[tuple[int, str]]:
    ids = list(_departed(cutoff).values_list("pk", flat=True)[:batch_size])
    # Locked as a signup, a confirmation or the preference centre lock them, then read
    # again: someone who came back meanwhile has a pending or confirmed list now.
    list(Subscriber.objects.select_for_update().filter(pk__in=ids).values("pk"))
    return list(_departed(cutoff).filter(pk__in=ids).values_list("pk", "email_hash"))


def _forget_departed(batch: list[tuple[int, str]]) -> int:
    # Whoever left list by list has no suppression yet: it keeps an import or a
    # partner from adding them back to the lists they left, as their subscriptions
    # did. They lift it themselves by confirming a new signup (SELF_LIFTED).
    Suppression.objects.bulk_create(
        [
            Suppression(email_hash=email_hash, reason=Suppression.Reason.UNSUBSCRIBED)
            for _, email_hash in batch
        ],
        ignore_conflicts=True,  # an earlier reason (a bounce, a global unsubscribe) stays
    )
    # Their subscriptions and partner consents go with them; deliveries keep the
    # mailing's counts without the link (SET_NULL); RSVPs and signatures are the
    # events' and petitions' rows, found by hash, and stay.
    _, per_model = Subscriber.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
    return per_model.get(Subscriber._meta.label, 0)


def suppress(*, email: str, reason: str) -> Suppression:
    """Add (or strengthen) a suppression for an address; used by staff and webhooks."""
    suppression, _ = Suppression.objects.update_or_create(
        email_hash=crypto.lookup_hash(email), defaults={"reason": reason}
    )
    return suppression


def lift_suppression(*, email: str) -> bool:
    """Staff action: let a bounced, complained or blocked address be mailed again."""
    deleted, _ = Suppression.objects.filter(
        email_hash=crypto.lookup_hash(email)
    ).delete()
    return bool(deleted)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """(model, [field names]) for every table with an encrypted column: subscribers,
    waiting signups, RSVP guests, petition signers, partner webhook secrets, and any
    model added later."""
    from django.apps import apps

    from .fields import EncryptedTextField

    found = []
    for model in apps.get_models():
        names = [
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names and model._meta.managed and not model._meta.proxy:
            found.append((model, names))
    return found


def reencrypt_all(*, batch_size: int = 1000) -> dict[str, int]:
    """Rewrite every encrypted value under the newest key; safe to run twice.

    Every model, not only the subscribers: rotating once left RSVP guests' and
    petition signers' names and addresses, and partner webhook secrets, under the old
    key, so dropping it (the last step of a rotation) made them unreadable for good.
    Returns the rows rewritten per model (verbose name plural)."""
    return {
        str(model._meta.verbose_name_plural): _reencrypt(
            model, names, batch_size=batch_size
        )
        for model, names in encrypted_fields()
    }


def _reencrypt(model: type[models.Model], names: list[str], *, batch_size: int) -> int:
    count, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                model.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", *names)[:batch_size]
            )
            if not batch:
                return count
            # Decrypted on load, encrypted again on save: always under the newest key.
            model.objects.bulk_update(batch, names)
        count += len(batch)
        last_pk = batch[-1].pk
