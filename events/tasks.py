from celery import shared_task

from events import services


@shared_task
def send_rsvp_confirmation_task(rsvp_id: int) -> None:
    """Send one RSVP's confirmation e-mail; safe to run twice."""
    services.send_rsvp_confirmation(rsvp_id=rsvp_id)
