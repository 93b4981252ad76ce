"""Shared read queries for subscribers."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

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


def sees_every_list(user) -> bool:
    """Superusers, and staff holding "view" on every list: nobody on a list is hidden
    from them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    visible = lists_user_can(user, ListPermission.Permission.VIEW)
    return not MailingList.objects.exclude(pk__in=visible).exists()


def details_shown_to(user) -> Q:
    """The subscriptions on which ``user`` sees the person's name, ZIP and language.

    A person's details are kept once, for all their lists. On a list they have not
    agreed to (a signup typed by someone else, an import of someone known from other
    lists, both waiting for the person's confirmation), showing them would hand the
    details given for another list to whoever may see this one. Staff who see every
    list see them everywhere.
    """
    if sees_every_list(user):
        return Q(pk__isnull=False)
    return Q(consented_at__isnull=False)


def subscriptions_seen_by(user) -> QuerySet[Subscription]:
    """Subscriptions on the lists ``user`` may view, each with ``shows_details``
    (details_shown_to): the base of every staff listing and export."""
    return Subscription.objects.filter(
        mailing_list__in=lists_user_can(user, ListPermission.Permission.VIEW)
    ).annotate(
        shows_details=ExpressionWrapper(
            details_shown_to(user), output_field=BooleanField()
        )
    )


def list_counts(
    lists: QuerySet[MailingList], *, details: Q | None = None
) -> dict[int, dict[str, dict[str, int]]]:
    """{list id: {status: {language: count}}} for the admin, in one query.

    Rows outside ``details`` (details_shown_to) count under the language "".
    """
    language = F("subscriber__language")
    if details is not None:
        language = Case(When(details, then=language), default=Value(""))
    rows = (
        Subscription.objects.filter(mailing_list__in=lists)
        .values("mailing_list_id", "status", shown_language=language)
        .annotate(total=Count("pk"))
    )
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        by_status = counts.setdefault(row["mailing_list_id"], {})
        by_status.setdefault(row["status"], {})[row["shown_language"]] = row["total"]
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


def signups_per_week(lists, *, weeks: int = 12, now=None) -> dict:
    """Confirmed signups per list per week (by consent time), the last ``weeks`` weeks
    up to this one: {"weeks": [week start], "lists": [(list, [count per week])]}."""
    from datetime import timedelta

    from django.db.models.functions import TruncWeek
    from django.utils import timezone

    now = timezone.localtime(now or timezone.now())
    this_week = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    rows = (
        Subscription.objects.filter(
            mailing_list__in=lists,
            status=Subscription.Status.CONFIRMED,
            consented_at__gte=starts[0],
        )
        .annotate(week=TruncWeek("consented_at"))
        .order_by()
        .values("mailing_list_id", "week")
        .annotate(total=Count("pk"))
    )
    counts: dict[tuple[int, object], int] = {}
    for row in rows:
        week = timezone.localtime(row["week"]).date()
        counts[(row["mailing_list_id"], week)] = row["total"]
    return {
        "weeks": starts,
        "lists": [
            (
                mailing_list,
                [counts.get((mailing_list.pk, start.date()), 0) for start in starts],
            )
            for mailing_list in lists.order_by("name")
        ],
    }


def signups_this_week(lists, *, now=None) -> list[dict]:
    """Per list: people who confirmed in the last seven days, and who signed up and
    have not confirmed yet, for the dashboard."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    since = (now or timezone.now()) - timedelta(days=7)
    rows = lists.order_by("name").annotate(
        confirmed=Count(
            "subscriptions",
            filter=Q(
                subscriptions__status=Subscription.Status.CONFIRMED,
                subscriptions__consented_at__gte=since,
            ),
        ),
        waiting=Count(
            "subscriptions",
            filter=Q(
                subscriptions__status=Subscription.Status.PENDING,
                subscriptions__created_at__gte=since,
            ),
        ),
    )
    return [
        {"list": row, "confirmed": row.confirmed, "waiting": row.waiting}
        for row in rows
    ]
