"""Report figures for one mailing: counts by status x language x list, sends over time."""

import csv
import io
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMinute

from campaigns.mailings.models import Delivery, Mailing
from subscribers.models import Subscription

STATUS_ORDER = [choice for choice, _ in Delivery.Status.choices]


def by_language(mailing: Mailing) -> dict[str, dict[str, int]]:
    rows = (
        Delivery.objects.filter(mailing=mailing)
        .order_by()
        .values("language", "status")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["language"], {})[row["status"]] = row["n"]
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
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        name = row["mailing_list__name"]
        table.setdefault(name, {})[row["subscriber__deliveries__status"]] = row["n"]
    return dict(sorted(table.items()))


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
    """Counts by language and by list, with only the statuses that occur, for tables."""
    by_lang = by_language(mailing)
    by_lst = by_list(mailing)
    seen = {
        status
        for table in (by_lang, by_lst)
        for row in table.values()
        for status in row
    }
    statuses = [status for status in STATUS_ORDER if status in seen]
    labels = dict(Delivery.Status.choices)
    return {
        "statuses": [(status, labels[status]) for status in statuses],
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
    """Counts only: a report never carries anyone's address."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "value", *STATUS_ORDER])
    for dimension, table in (
        ("language", by_language(mailing)),
        ("list", by_list(mailing)),
    ):
        for value, counts in table.items():
            writer.writerow(
                [dimension, safe_cell(value), *(counts.get(s, 0) for s in STATUS_ORDER)]
            )
    return out.getvalue()


def safe_cell(value: str) -> str:
    """Spreadsheets run cells that start with these as formulas."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
