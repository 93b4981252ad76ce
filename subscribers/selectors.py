"""Shared read queries for subscribers."""

from django.db.models import Count, Exists, OuterRef, QuerySet

from .models import ListPermission, MailingList, Subscriber, Subscription, Suppression


def lists_user_can(user, permission: str) -> QuerySet[MailingList]:
    """Lists this user holds ``permission`` ("view", "import" or "send") on; superusers:
    all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MailingList.objects.none()
    if user.is_superuser:
        return MailingList.objects.all()
    granted = ListPermission.objects.filter(
        group__user=user, permission=permission
    ).values("mailing_list_id")
    return MailingList.objects.filter(pk__in=granted)


def list_counts(lists: QuerySet[MailingList]) -> dict[int, dict[str, dict[str, int]]]:
    """{list id: {status: {language: count}}} for the admin, in one query."""
    rows = (
        Subscription.objects.filter(mailing_list__in=lists)
        .values("mailing_list_id", "status", "subscriber__language")
        .annotate(total=Count("pk"))
    )
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        by_status = counts.setdefault(row["mailing_list_id"], {})
        by_status.setdefault(row["status"], {})[row["subscriber__language"]] = row[
            "total"
        ]
    return counts


def decrypted_recipients(subscriber_ids: list[int]) -> dict[int, dict[str, str]]:
    """{id: {email, name, language}} for one send batch: decrypted in one pass."""
    rows = Subscriber.objects.filter(pk__in=subscriber_ids).only(
        "pk", "email", "name", "language"
    )
    return {
        row.pk: {"email": row.email, "name": row.name or "", "language": row.language}
        for row in rows
    }


def sendable_subscribers(list_ids: list[int]) -> QuerySet[Subscriber]:
    """People confirmed on any of these lists and not suppressed; each once."""
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    on_lists = Subscription.objects.filter(
        subscriber=OuterRef("pk"),
        mailing_list_id__in=list_ids,
        status=Subscription.Status.CONFIRMED,
    )
    return Subscriber.objects.filter(Exists(on_lists)).exclude(Exists(suppressed))
