from celery import shared_task

from cms.celery import MAIL_TASK_OPTIONS
from events import services


@shared_task(**MAIL_TASK_OPTIONS)
def send_rsvp_confirmation_task(rsvp_id: int) -> None:
    """Send one RSVP's confirmation e-mail; safe to run twice. Only for the tasks
    queued before migration 0005 (a confirmation is an owed GuestMessage since): a
    worker must not drop them as unknown after an upgrade."""
    services.send_rsvp_confirmation(rsvp_id=rsvp_id)


@shared_task(acks_late=True)
def send_guest_messages_task() -> None:
    """Send the guest messages owed (confirmations, updates, cancellations,
    reminders, places from the waitlist), each claimed before it is sent; safe to run
    twice and in parallel. Queues itself again while more wait."""
    from django.conf import settings

    from cms.queues import others_waiting
    from cms.wakeup import awake
    from events import guest_mail

    turn = settings.EVENT_GUEST_MAIL_TURN_SECONDS
    if others_waiting("alerts"):
        # A rally alert's tasks (or anything else) wait on the lane: they go first,
        # this looks again in a turn's time.
        awake(send_guest_messages_task)
        guest_mail.enqueue_sending(countdown=turn)
        return
    # One sender at a time, queued or running (cms.wakeup's flag stays set through
    # the turn, so rows written meanwhile queue nothing): after its turn it queues
    # itself at the back of the lane, behind an alert published meanwhile.
    try:
        _handled, stopped = guest_mail.send_owed_for(limit=100, seconds=turn)
    finally:
        # From now on the next row written queues another run; the rows written
        # during the turn are looked for after this, so none is left waiting.
        awake(send_guest_messages_task)
    if stopped == guest_mail.MORE or (
        stopped == guest_mail.DONE and guest_mail.anything_owed()
    ):
        guest_mail.enqueue_sending()
    # (DOWN: the beat wakes it within a minute, not this worker in a loop.)


@shared_task
def dispatch_guest_mail_task() -> dict[str, int]:
    """Beat: claim due reminders in the database and queue the guest-message sender
    when anything waits; safe to run twice and in parallel."""
    from events.guest_mail import dispatch_guest_mail

    return dispatch_guest_mail()
