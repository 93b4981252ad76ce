"""CSV export of subscribers, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from .models import Subscription

# A cell starting with one of these is read as a formula by spreadsheets
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# First in every CSV export: without a byte-order mark Excel, where most staff open
# the file, reads UTF-8 as the machine's legacy code page and turns Arabic, Chinese,
# Hindi and Polish names into mojibake ("Ø³Ø§Ø±Ø©" for "سارة"). The import reads it.
EXCEL_BOM = "\ufeff"

HEADER = [
    "email",
    "name",
    "language",
    "zip_code",
    "list",
    "status",
    "source",
    "consented_at",
]


def neutralise(value: object) -> str:
    """The cell as text, kept from running as a formula in a spreadsheet (CSV
    injection); every CSV export goes through it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def subscription_rows(subscriptions: QuerySet[Subscription]) -> Iterator[list[str]]:
    """One row per subscription, addresses decrypted a batch at a time; name, language
    and ZIP only where the row ``shows_details`` (selectors.subscriptions_seen_by)."""
    queryset = subscriptions.select_related("subscriber", "mailing_list").order_by("pk")
    for item in queryset.iterator(chunk_size=2000):
        subscriber = item.subscriber
        shown = item.shows_details
        yield [
            subscriber.email,
            (subscriber.name or "") if shown else "",
            subscriber.language if shown else "",
            subscriber.zip_code if shown else "",
            item.mailing_list.slug,
            item.status,
            item.source,
            item.consented_at.isoformat() if item.consented_at else "",
        ]


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text, line by line, with every cell neutralised; for a streaming response."""
    writer = csv.writer(_Echo())
    yield EXCEL_BOM + writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])
