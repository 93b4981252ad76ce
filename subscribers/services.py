"""Write use-cases for subscribers. Views, admin actions and tasks call these."""

from collections.abc import Iterable

from django.db import transaction

from . import crypto
from .models import MailingList, Subscriber, Subscription, Suppression


def is_suppressed(email: str) -> bool:
    """True when the address must never be mailed (bounce, complaint, erasure...)."""
    return Suppression.objects.filter(email_hash=crypto.lookup_hash(email)).exists()


@transaction.atomic
def request_signup(
    *,
    email: str,
    language: str,
    list_ids: Iterable[int],
    source: str,
    name: str = "",
    zip_code: str = "",
) -> Subscriber | None:
    """Record a wish to join lists as pending subscriptions; never duplicates rows.

    Returns the subscriber, or None when the address is suppressed (callers answer the
    same either way, so nobody learns whether an address is known).
    """
    if is_suppressed(email):
        return None
    email_hash = crypto.lookup_hash(email)
    subscriber = (
        Subscriber.objects.select_for_update().filter(email_hash=email_hash).first()
    )
    if subscriber is None:
        subscriber = Subscriber.for_email(email, language=language, zip_code=zip_code)
        subscriber.name = name or None
        subscriber.save()
    for mailing_list in MailingList.objects.filter(pk__in=list(list_ids)):
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            defaults={"status": Subscription.Status.PENDING, "source": source},
        )
        if not created and subscription.status == Subscription.Status.UNSUBSCRIBED:
            # Coming back after leaving needs a fresh confirmation.
            subscription.status, subscription.source = (
                Subscription.Status.PENDING,
                source,
            )
            subscription.save(update_fields=["status", "source", "updated_at"])
    return subscriber
