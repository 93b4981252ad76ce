"""Create, schedule, pause, resume and cancel mailings; who may send is checked here."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from campaigns.mailings.exceptions import MailingStateError, SendPermissionDenied
from campaigns.mailings.models import PAUSED_BY_STAFF, Delivery, Mailing
from cms.models import MailablePageMixin as MAILABLE
from subscribers.models import MailingList


def check_send_permission(user, list_ids: Iterable[int]) -> None:
    """Raise unless ``user`` holds the send permission for every one of the lists."""
    from subscribers.selectors import lists_user_can

    wanted = set(list_ids)
    allowed = set(
        lists_user_can(user, "send").filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if not wanted or wanted - allowed:
        raise SendPermissionDenied("not allowed to send to every chosen list")


@transaction.atomic
def create_mailing(
    *,
    user,
    page,
    list_ids: Iterable[int],
    lane: str = Mailing.Lane.BULK,
    languages: Iterable[str] = (),
    zip_prefix: str = "",
    campaign_id: int | None = None,
    track_opens: bool = False,
    track_clicks: bool = False,
    send_by: datetime | None = None,
) -> Mailing:
    """A draft mailing of a published page to the union of lists."""
    list_ids = list(list_ids)
    check_send_permission(user, list_ids)
    if not isinstance(page.specific, MAILABLE):
        # A home or signup page has no e-mail form: its start would fail in the
        # worker and leave the mailing "starting" for good.
        raise MailingStateError(
            _("Only a bulletin, an alert or an event can be sent as an e-mail.")
        )
    if not page.live:
        raise MailingStateError(_("Only a published page can be sent."))
    mailing = Mailing.objects.create(
        page=page,
        lane=lane,
        languages=list(languages),
        zip_prefix=zip_prefix.strip(),
        campaign_id=campaign_id,
        track_opens=track_opens,
        track_clicks=track_clicks,
        send_by=send_by,
        created_by=user,
    )
    mailing.lists.set(MailingList.objects.filter(pk__in=list_ids))
    return mailing


def _recheck(user, mailing: Mailing) -> None:
    check_send_permission(user, mailing.lists.values_list("pk", flat=True))


def held_for_approval(mailing: Mailing) -> bool:
    """An alert (by lane or by page) to a list under the two-person rule."""
    from cms.models import AlertPage

    is_alert = (
        mailing.lane == Mailing.Lane.ALERTS
        or mailing.page.content_type.model_class() is AlertPage
    )
    return is_alert and mailing.lists.filter(two_person_rule=True).exists()


def _refuse_if_held(mailing: Mailing) -> None:
    from django.utils.translation import gettext as _

    if held_for_approval(mailing):
        raise MailingStateError(
            _(
                "This alert needs a second person's approval: send it from its alert screen."
            )
        )


NOBODY = _lazy(
    "Nobody would get this mailing: no confirmed subscriber who may be mailed is on "
    "its lists with its languages and ZIP prefix. Check them, or go back and choose "
    "others."
)


def send_now(*, user, mailing_id: int, require_audience: bool = True) -> None:
    """Start sending at once (the worker does the work; this returns immediately).

    With ``require_audience`` (staff's "Send now"), an audience of nobody is refused:
    a mistyped ZIP prefix or the wrong list would otherwise be recorded as sent, and
    later sends of the page to that list warned about as a second copy."""
    from campaigns.mailings.selectors import mailing_audience
    from campaigns.mailings.tasks import start_mailing_task

    mailing = Mailing.objects.get(pk=mailing_id)
    _recheck(user, mailing)
    _refuse_if_held(mailing)
    if require_audience and not mailing_audience(mailing).exists():
        raise MailingStateError(str(NOBODY))
    with transaction.atomic():
        won = Mailing.objects.filter(
            pk=mailing_id, status__in=[Mailing.Status.DRAFT, Mailing.Status.SCHEDULED]
        ).update(status=Mailing.Status.STARTING, last_progress_at=timezone.now())
        if not won:
            raise MailingStateError(
                _("This mailing has already started: it is not started a second time.")
            )
        transaction.on_commit(
            lambda: start_mailing_task.apply_async((mailing_id,), queue=mailing.lane)
        )


def schedule(*, user, mailing_id: int, when: datetime) -> None:
    """Send at ``when``; a beat task picks it up from the database (no long ETAs)."""
    mailing = Mailing.objects.get(pk=mailing_id)
    _recheck(user, mailing)
    _refuse_if_held(mailing)
    if when <= timezone.now():
        raise MailingStateError(_("Choose a time in the future."))
    won = Mailing.objects.filter(
        pk=mailing_id, status__in=[Mailing.Status.DRAFT, Mailing.Status.SCHEDULED]
    ).update(status=Mailing.Status.SCHEDULED, scheduled_at=when)
    if not won:
        raise MailingStateError(
            _("This mailing has already started: it is not started a second time.")
        )


def pause(*, user, mailing_id: int) -> None:
    _recheck(user, Mailing.objects.get(pk=mailing_id))
    won = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
        status=Mailing.Status.PAUSED, paused_reason=PAUSED_BY_STAFF, probe_at=None
    )
    if not won:
        raise MailingStateError(_("Only a mailing that is sending can be paused."))


def resume(
    *, user, mailing_id: int | None = None, mailing: Mailing | None = None
) -> None:
    """Resume a paused mailing (staff action, or the provider probe when user is None)."""
    from .starting import enqueue_send_batches

    mailing_id = mailing_id or mailing.pk
    if user is not None:
        _recheck(user, Mailing.objects.get(pk=mailing_id))
    won = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.PAUSED).update(
        status=Mailing.Status.SENDING,
        paused_reason="",
        probe_at=None,
        # Staff resuming counts as progress; the provider probe is a re-queue only
        # (stamped apart, as the upkeep's are), so a provider failing for good leaves
        # the mailing without progress and /health/ says so.
        **(
            {"consecutive_failures": 0, "last_progress_at": timezone.now()}
            if user is not None
            else {"restarted_at": timezone.now()}
        ),
    )
    if not won:
        raise MailingStateError(_("Only a paused mailing can be resumed."))
    transaction.on_commit(lambda: enqueue_send_batches(mailing_id=mailing_id))


@transaction.atomic
def cancel(*, user, mailing_id: int) -> int:
    """Stop a mailing; what was not sent yet never will be. Returns rows cancelled."""
    _recheck(user, Mailing.objects.get(pk=mailing_id))
    won = Mailing.objects.filter(
        pk=mailing_id,
        status__in=[
            Mailing.Status.DRAFT,
            Mailing.Status.AWAITING_APPROVAL,
            Mailing.Status.SCHEDULED,
            Mailing.Status.STARTING,
            Mailing.Status.SENDING,
            Mailing.Status.PAUSED,
        ],
    ).update(status=Mailing.Status.CANCELLED, finished_at=timezone.now())
    if not won:
        raise MailingStateError(_("This mailing can no longer be cancelled."))
    return Delivery.objects.filter(
        mailing_id=mailing_id, status=Delivery.Status.QUEUED
    ).update(status=Delivery.Status.CANCELLED)


@transaction.atomic
def mark_stale(*, mailing_id: int) -> None:
    """Past its send-by time: nothing more goes out (a restored backup replays nothing)."""
    Mailing.objects.filter(
        pk=mailing_id,
        status__in=[
            Mailing.Status.STARTING,
            Mailing.Status.SENDING,
            Mailing.Status.SCHEDULED,
        ],
    ).update(status=Mailing.Status.STALE, finished_at=timezone.now())
    Delivery.objects.filter(
        mailing_id=mailing_id, status=Delivery.Status.QUEUED
    ).update(status=Delivery.Status.CANCELLED, error="past send-by time")
