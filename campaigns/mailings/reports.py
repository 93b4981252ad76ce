"""Report figures for one mailing: counts by status x language x list, sends over time,
and opens and clicks where the mailing turned tracking on."""

import csv
import io
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMinute
from django.utils.translation import gettext_lazy as _

from campaigns.mailings.models import Delivery, Mailing
from subscribers.exports import neutralise
from subscribers.models import Subscription

STATUS_ORDER = [choice for choice, _label in Delivery.Status.choices]
# People who opened or clicked at least once: one per delivery, however many events.
ENGAGEMENT = [
    ("opened", "track_opens", "opened_at", _("opened")),
    ("clicked", "track_clicks", "clicked_at", _("clicked")),
]


def tracked(mailing: Mailing) -> list[tuple[str, str, str]]:
    """(key, delivery field, label) of what this mailing tracked: a column of zeros
    for something never tracked would read as nobody opening it."""
    return [
        (key, field, label)
        for key, flag, field, label in ENGAGEMENT
        if getattr(mailing, flag)
    ]


def _engaged(prefix: str, mailing: Mailing) -> dict[str, Count]:
    return {
        key: Count("pk", filter=Q(**{f"{prefix}{field}__isnull": False}))
        for key, field, _label in tracked(mailing)
    }


def by_language(mailing: Mailing) -> dict[str, dict[str, int]]:
    """{language: {status or "opened"/"clicked": people}}."""
    rows = (
        Delivery.objects.filter(mailing=mailing)
        .order_by()
        .values("language", "status")
        .annotate(n=Count("pk"), **_engaged("", mailing))
    )
    return _table(rows, "language", "status", mailing)


def _table(rows, dimension: str, status: str, mailing: Mailing):
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = table.setdefault(row[dimension], {})
        counts[row[status]] = row["n"]
        for key, _field, _label in tracked(mailing):
            counts[key] = counts.get(key, 0) + row[key]
    return dict(sorted(table.items()))


def by_list(mailing: Mailing) -> dict[str, dict[str, int]]:
    """A person on two of the mailing's lists counts under both (they got one message)."""
    rows = (
        Subscription.objects.filter(
            mailing_list__in=mailing.lists.all(),
            subscriber__deliveries__mailing=mailing,
        )
        .order_by()
        .values("mailing_list__name", "subscriber__deliveries__status")
        .annotate(n=Count("pk"), **_engaged("subscriber__deliveries__", mailing))
    )
    table = _table(
        rows, "mailing_list__name", "subscriber__deliveries__status", mailing
    )
    gone = _no_longer_listed(mailing)
    if gone:
        table[str(NO_LONGER_LISTED)] = gone
    return table


# Deliveries outlive the people they went to (erasure, or the purge of those who left
# every list): without a row of their own the lists' figures would fall short of the
# languages' for no reason a reader of the report could see.
NO_LONGER_LISTED = _("People erased or removed since")


def _no_longer_listed(mailing: Mailing) -> dict[str, int]:
    listed = Subscription.objects.filter(mailing_list__in=mailing.lists.all()).values(
        "subscriber_id"
    )
    rows = (
        Delivery.objects.filter(mailing=mailing)
        .filter(Q(subscriber__isnull=True) | ~Q(subscriber_id__in=listed))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), **_engaged("", mailing))
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = row["n"]
        for key, _field, _label in tracked(mailing):
            counts[key] = counts.get(key, 0) + row[key]
    return counts


def sent_per_minute(mailing: Mailing) -> list[tuple[datetime, int]]:
    """(minute, messages sent in it) for every minute from the first send to the last,
    quiet minutes included (a pause shows as a gap, not as nothing)."""
    rows = dict(
        Delivery.objects.filter(mailing=mailing, sent_at__isnull=False)
        .annotate(minute=TruncMinute("sent_at"))
        .order_by("minute")
        .values("minute")
        .annotate(n=Count("pk"))
        .values_list("minute", "n")
    )
    if not rows:
        return []
    first, last = min(rows), max(rows)
    minutes = int((last - first).total_seconds() // 60) + 1
    return [
        (first + timedelta(minutes=step), rows.get(first + timedelta(minutes=step), 0))
        for step in range(minutes)
    ]


def has_sends(mailing: Mailing) -> bool:
    return Delivery.objects.filter(mailing=mailing, sent_at__isnull=False).exists()


def report_tables(mailing: Mailing) -> dict:
    """Counts by language and by list, with only the statuses that occur, then the
    opens and clicks the mailing tracked, for tables."""
    by_lang = by_language(mailing)
    by_lst = by_list(mailing)
    seen = {
        status
        for table in (by_lang, by_lst)
        for row in table.values()
        for status in row
    }
    labels = dict(Delivery.Status.choices)
    columns = [(status, labels[status]) for status in STATUS_ORDER if status in seen]
    columns += [(key, label) for key, _field, label in tracked(mailing)]
    statuses = [key for key, _label in columns]
    return {
        "statuses": columns,
        "by_language": [
            (code, [row.get(status, 0) for status in statuses])
            for code, row in by_lang.items()
        ],
        "by_list": [
            (name, [row.get(status, 0) for status in statuses])
            for name, row in by_lst.items()
        ],
    }


def csv_report(mailing: Mailing) -> str:
    """Counts only: a report never carries anyone's address. The opened and clicked
    columns are always there, empty where the mailing did not track them."""
    out = io.StringIO()
    writer = csv.writer(out)
    engagement = [key for key, _flag, _field, _label in ENGAGEMENT]
    writer.writerow(["dimension", "value", *STATUS_ORDER, *engagement])
    for dimension, table in (
        ("language", by_language(mailing)),
        ("list", by_list(mailing)),
    ):
        for value, counts in table.items():
            writer.writerow(
                [
                    dimension,
                    neutralise(value),
                    *(counts.get(s, 0) for s in STATUS_ORDER),
                    *(counts.get(key, "") for key in engagement),
                ]
            )
    return out.getvalue()
