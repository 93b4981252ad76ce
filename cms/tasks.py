from celery import shared_task

from cms.celery import MAIL_TASK_OPTIONS
from cms.mail import services


@shared_task
def send_test_email_task(
    user_id: int, language: str = "en", page_id: int | None = None
) -> None:
    """Send the staff test message (or a page's test e-mail) through the worker; safe
    to run twice."""
    services.send_test_email(user_id=user_id, language=language, page_id=page_id)


@shared_task(**MAIL_TASK_OPTIONS)
def send_password_reset_task(user_ids: list[int], language: str = "en") -> None:
    """Mail the staff users a password reset link asked for on the admin's form; safe
    to run twice (a second link)."""
    services.send_password_resets(user_ids=user_ids, language=language)


@shared_task
def purge_expired_records_task() -> None:
    """Apply the retention periods (webhook events, signups kept for the worker,
    person log entries, the file outbox, people who left every list, RSVPs never
    confirmed by e-mail, expired sessions); safe to run twice."""
    from cms import retention
    from events import services as events
    from subscribers import services as subscribers

    retention.purge_tracking_events()
    retention.purge_signup_requests()
    retention.purge_person_log_entries()
    retention.purge_outbox()
    subscribers.purge_unsubscribed()
    events.purge_expired_pending_rsvps()
    retention.purge_expired_sessions()


@shared_task
def resend_unqueued_emails_task() -> dict[str, int]:
    """Beat: queue the e-mails a broker outage kept from the queue (signups kept for
    the worker, confirmations, signature verifications, milestone notices), each
    once; safe to run twice and in parallel. (RSVP confirmations are owed guest messages: events.tasks'
    dispatch_guest_mail_task queues their sender.)"""
    from campaigns.services import counters, petitions
    from subscribers import services as subscribers

    return {
        "signups": subscribers.requeue_signup_requests(),
        "confirmations": subscribers.resend_unqueued_confirmations(),
        "verifications": petitions.resend_unqueued_verifications(),
        "milestones": counters.renotify_unqueued_milestones(),
    }


@shared_task
def beat_heartbeat_task() -> None:
    """Beat: record that beat and a worker of the default queue are alive; safe to
    run twice."""
    from cms.health import record_heartbeat

    record_heartbeat()


@shared_task
def lane_heartbeat_task(lane: str) -> None:
    """Beat, on the bulk and alerts queues: record that a worker of ``lane`` is alive;
    safe to run twice."""
    from cms.health import LANE_HEARTBEATS, record_heartbeat

    record_heartbeat(LANE_HEARTBEATS[lane])
