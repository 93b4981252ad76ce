"""Retention: delete what we no longer need about people once its time is up."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

# Rows about one person whose admin history (who edited it, when) we keep for a while,
# in its own table (cms.models.PersonLogEntry).
PERSON_MODELS = (
    "subscribers.subscription",
    "subscribers.subscriber",
    "subscribers.suppression",
    "events.rsvp",
    "campaigns.signature",
)


def purge_tracking_events(*, now=None) -> int:
    """Delete provider webhook events older than TRACKING_EVENT_RETENTION_DAYS; safe to
    run twice. The delivery rows keep their status and times."""
    from campaigns.mailings.models import TrackingEvent

    cutoff = (now or timezone.now()) - timedelta(
        days=settings.TRACKING_EVENT_RETENTION_DAYS
    )
    deleted, _ = TrackingEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


# A signup kept for the worker (subscribers.models.SignupRequest) lives seconds; one the
# workers never reached in a day is not kept longer.
SIGNUP_REQUEST_MAX_AGE = timedelta(days=1)


def purge_signup_requests(*, now=None) -> int:
    """Delete signups kept for the worker longer than a day; safe to run twice."""
    from subscribers.models import SignupRequest

    cutoff = (now or timezone.now()) - SIGNUP_REQUEST_MAX_AGE
    deleted, _ = SignupRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def purge_person_log_entries(*, now=None) -> int:
    """Delete the admin's log entries about person rows older than
    PERSON_LOG_RETENTION_DAYS; safe to run twice."""
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.PERSON_LOG_RETENTION_DAYS
    )
    from cms.models import PersonLogEntry

    deleted, _ = PersonLogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


def purge_outbox(*, now=None) -> int:
    """Delete file-outbox messages older than OUTBOX_RETENTION_DAYS, whichever provider
    sends now (an earlier run's files hold addresses too); safe to run twice."""
    from cms.mail import outbox

    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    return outbox.delete_messages_before(cutoff)


def purge_expired_sessions() -> None:
    """Delete expired sessions (Django's clearsessions); safe to run twice. A staff
    session names its user; nothing else deletes it once its cookie is gone."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
