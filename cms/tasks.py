from celery import shared_task

from cms.mail import services


@shared_task
def send_test_email_task(
    user_id: int, language: str = "en", page_id: int | None = None
) -> None:
    """Send the staff test message (or a page's test e-mail) through the worker; safe
    to run twice."""
    services.send_test_email(user_id=user_id, language=language, page_id=page_id)
