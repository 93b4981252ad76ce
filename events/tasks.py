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

    from cms.wakeup import awake
    from events.guest_mail import enqueue_sending, send_owed_for

    # Before looking for rows: a row written from now on queues the next run.
    awake(send_guest_messages_task)
    _handled, more = send_owed_for(
        limit=100, seconds=settings.EVENT_GUEST_MAIL_TURN_SECONDS
    )
    if more:  # at the back of the lane: an alert queued meanwhile goes first
        enqueue_sending()


@shared_task
def dispatch_guest_mail_task() -> dict[str, int]:
    """Beat: claim due reminders in the database and queue the guest-message sender
    when anything waits; safe to run twice and in parallel."""
    from events.guest_mail import dispatch_guest_mail

    return dispatch_guest_mail()
