from celery import shared_task

from cms.celery import MAIL_TASK_OPTIONS

from . import services


@shared_task(**MAIL_TASK_OPTIONS)
def send_confirmation_task(
    subscriber_id: int, list_ids: list[int], page_id: int | None, language: str
) -> None:
    """Send one double opt-in e-mail; safe to run twice (worst case a second e-mail)."""
    services.send_confirmation(
        subscriber_id=subscriber_id,
        list_ids=list_ids,
        page_id=page_id,
        language=language,
    )


@shared_task(acks_late=True)
def send_owed_confirmation_task(subscriber_id: int) -> None:
    """Once the interval has passed, queue the confirmation owed to a request made
    while the subscriber's slot was taken; safe to run twice (it claims the slot)."""
    services.send_owed_confirmation(subscriber_id=subscriber_id)


@shared_task(**MAIL_TASK_OPTIONS)
def send_preferences_link_task(
    subscriber_id: int, generation: int | None = None
) -> None:
    """E-mail a subscriber a fresh preferences link; safe to run twice (a second one).
    ``generation``, which tasks queued by earlier releases carry, is not used: the
    link's is read when it is sent."""
    services.send_preferences_link(subscriber_id=subscriber_id)


@shared_task
def preferences_link_for_hash_task(email_hash: str) -> None:
    """A link asked for by typing an address: find it and queue the link within the
    address's allowance. At most once (a second run would use more of it)."""
    services.request_preferences_link_for_hash(email_hash)


@shared_task
def preferences_link_for_id_task(subscriber_id: int) -> None:
    """A link asked for from a forwardable link's page (a footer, an unsubscribe
    link): queue it if the person is still here, within their allowance. At most
    once, as above."""
    services.request_preferences_link(subscriber_id=subscriber_id)


@shared_task(acks_late=True)
def process_signup_request_task(request_id: int) -> None:
    """Record one kept signup from a public form and delete it; safe to run twice
    (a second run finds no row)."""
    services.process_signup_request(request_id=request_id)


@shared_task
def purge_unconfirmed_task() -> None:
    """Beat: delete signups left unconfirmed too long; safe to run twice."""
    services.purge_unconfirmed()


@shared_task(**MAIL_TASK_OPTIONS)
def send_email_change_task(change_id: int) -> None:
    """E-mail the link that confirms a new address to that address; safe to run
    twice (worst case a second e-mail, within the address's allowance)."""
    services.send_email_change(change_id=change_id)


@shared_task(**MAIL_TASK_OPTIONS)
def send_address_change_notice_task(notice_id: int) -> None:
    """Tell the address a subscriber left that it was changed, then forget it; safe
    to run twice (worst case a second notice, when a crash falls between the two)."""
    services.send_address_change_notice(notice_id=notice_id)
