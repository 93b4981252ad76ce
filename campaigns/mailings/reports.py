"""Report figures for one mailing: counts by status x language x list, sends over time."""

import csv
import io

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


def sent_per_minute(mailing: Mailing) -> list[tuple[str, int]]:
    rows = (
        Delivery.objects.filter(mailing=mailing, sent_at__isnull=False)
        .annotate(minute=TruncMinute("sent_at"))
        .order_by("minute")
        .values("minute")
        .annotate(n=Count("pk"))
    )
    return [(row["minute"].strftime("%H:%M"), row["n"]) for row in rows]


def chart_bars(series: list[tuple[str, int]], *, height: int = 120) -> list[dict]:
    """Bars for an inline SVG chart (no JavaScript, no third-party script)."""
    peak = max((n for _, n in series), default=0) or 1
    width = 24
    return [
        {
            "x": index * (width + 4),
            "y": height - round(n / peak * height),
            "h": round(n / peak * height),
            "w": width,
            "label": label,
            "n": n,
        }
        for index, (label, n) in enumerate(series)
    ]


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
