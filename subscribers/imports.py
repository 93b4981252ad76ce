"""CSV import of subscribers: validated row by row, deduped, suppression-aware.

Set-based: a 50,000-row file costs a handful of queries per few thousand rows, not
several per row (see bench/bench_import.py).

An importer who cannot see every list learns nothing from an import about people on
the lists they cannot see: someone already known only from those lists joins as
pending and gets the confirmation e-mail (their details show on the list once they
confirm, selectors.details_shown_to), and the report keeps new and known people, and
suppressed and already-added rows, together (ImportReport.told_to).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.form_fields import normalise_zip_code
from cms.languages import join_names
from subscribers.addresses import validate_mailbox

from . import crypto
from .forms import CONTROL_CHARACTERS
from .models import MailingList, Subscriber, Subscription, Suppression
from .selectors import sees_every_list, subscriptions_seen_by
from .services import queue_confirmation

BATCH = 2000
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def accepted_languages() -> str:
    """The language column's values, as the form's help and a refused row name them."""
    return ", ".join(code for code, _name in settings.LANGUAGES)


HEADER_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "name": "name",
    "language": "language",
    "zip": "zip_code",
    "zip code": "zip_code",
    "zip_code": "zip_code",
    "lists": "lists",
    "list": "lists",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV, not UTF-8, no e-mail column)."""


@dataclass
class ImportReport:
    """What an import did. Who was new and which rows were suppressed is not for
    everyone who may import: show a user told_to(...), not this."""

    rows: int = 0
    # People new to us; None when the reader may not know who was known.
    created: int | None = 0
    # Subscriptions added, confirmed or (awaiting) pending the person's confirmation.
    subscribed: int = 0
    awaiting: int | None = 0
    # Subscriptions not added: already there, or left (and, told to someone who may
    # not see suppressions, refused for a suppressed address).
    already: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # Lines (among rejected) and subscriptions refused because the address is
    # suppressed; suppressions_shown says whether rejected still names them.
    suppressed_lines: set[int] = field(default_factory=set)
    suppressed_subscriptions: int = 0
    suppressions_shown: bool = True

    def told_to(
        self, *, sees_all_lists: bool, sees_suppressions: bool
    ) -> "ImportReport":
        """This report as told to someone who may (or may not) see every list and the
        suppressions: what they may not know is left out, or counted with what they may."""
        told = replace(self, rejected=list(self.rejected))
        if not sees_all_lists:
            told.created = told.awaiting = None
        if not sees_suppressions:
            told.rejected = [
                (line, reason)
                for line, reason in self.rejected
                if line not in self.suppressed_lines
            ]
            told.already += self.suppressed_subscriptions
            told.suppressed_lines, told.suppressed_subscriptions = set(), 0
            told.suppressions_shown = False
        return told


@dataclass
class _Row:
    line: int
    email: str
    email_hash: str
    name: str
    language: str
    zip_code: str
    list_ids: list[int]


def read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for each data row; header names normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file must be UTF-8 encoded CSV.")) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ImportFileError(_("The file is empty.")) from error
    columns = [HEADER_ALIASES.get(name.strip().lower(), "") for name in header]
    if "email" not in columns:
        raise ImportFileError(_("The file needs an e-mail column."))
    rows = []
    try:
        # Numbered as a spreadsheet shows them: the header is row 1.
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            row = {
                column: value.strip()
                for column, value in zip(columns, values, strict=False)
                if column
            }
            rows.append((number, row))
    except csv.Error as error:
        raise ImportFileError(_("The file is not valid CSV.")) from error
    return rows


def _validate(
    line: int, raw: dict[str, str], lists_by_key: dict[str, int]
) -> _Row | str:
    email = crypto.normalise_email(raw.get("email", ""))
    if not email:
        return _("no e-mail address")
    if len(email) > 254:
        return _("e-mail address too long")
    try:
        validate_email(email)
        validate_mailbox(email)
    except ValidationError:
        return _("not a valid e-mail address")
    name = raw.get("name", "")
    if len(name) > 100:
        return _("name too long")
    if CONTROL_CHARACTERS.search(name):
        return _("name contains line breaks or control characters")
    language = (raw.get("language") or "en").lower()
    if language not in LANGUAGE_CODES:
        return _("unknown language “%(value)s”: use one of %(codes)s") % {
            "value": raw.get("language", "")[:20],
            "codes": accepted_languages(),
        }
    zip_code = normalise_zip_code(raw.get("zip_code", ""))
    digits = zip_code.replace("-", "")
    if len(zip_code) > 10 or (zip_code and not (digits.isascii() and digits.isdigit())):
        return _("not a valid ZIP code")
    keys = [key.strip().lower() for key in _split_lists(raw.get("lists", ""))]
    if not keys:
        return _("no list given")
    unknown = [key for key in keys if key not in lists_by_key]
    if unknown:
        return _("unknown list or no permission: %(lists)s") % {
            "lists": join_names(unknown)
        }
    return _Row(
        line=line,
        email=email,
        email_hash=crypto.lookup_hash(email),
        name=name,
        language=language,
        zip_code=zip_code,
        list_ids=sorted({lists_by_key[key] for key in keys}),
    )


def _split_lists(value: str) -> list[str]:
    for separator in ("|", ","):
        value = value.replace(separator, ";")
    return [part for part in value.split(";") if part.strip()]


def _in_chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def import_subscribers(
    *,
    rows: list[tuple[int, dict[str, str]]],
    allowed_lists: QuerySet[MailingList],
    importer,
    source: str = Subscription.Source.IMPORT,
) -> ImportReport:
    """Add people from import rows as confirmed subscribers; all or nothing.

    Rejected rows (invalid, duplicate, suppressed, unknown list) are reported with the
    reason and skipped. Existing people keep their own name and language, and a
    subscription they left stays left: only a new signup can bring it back. Someone
    already known, but not from a list where ``importer`` sees their details, joins as
    pending and is sent the confirmation e-mail: an import must not hand the details
    they gave for another list to this one without their word.
    """
    report = ImportReport(rows=len(rows))
    lists_by_key: dict[str, int] = {}
    for pk, slug, name in allowed_lists.values_list("pk", "slug", "name"):
        lists_by_key[slug.lower()] = lists_by_key[name.lower()] = pk

    valid: list[_Row] = []
    first_line: dict[str, int] = {}
    for line, raw in rows:
        result = _validate(line, raw, lists_by_key)
        if isinstance(result, str):
            report.rejected.append((line, result))
        elif result.email_hash in first_line:
            report.rejected.append(
                (
                    line,
                    _("duplicate of line %(line)s")
                    % {"line": first_line[result.email_hash]},
                )
            )
        else:
            first_line[result.email_hash] = line
            valid.append(result)

    suppressed: set[str] = set()
    existing: dict[str, int] = {}
    for chunk in _in_chunks([row.email_hash for row in valid]):
        suppressed.update(
            Suppression.objects.filter(email_hash__in=chunk).values_list(
                "email_hash", flat=True
            )
        )
        existing.update(
            Subscriber.objects.filter(email_hash__in=chunk).values_list(
                "email_hash", "pk"
            )
        )
    kept = []
    for row in valid:
        if row.email_hash in suppressed:
            report.rejected.append(
                (row.line, _("suppressed address: never mailed again"))
            )
            report.suppressed_lines.add(row.line)
            report.suppressed_subscriptions += len(row.list_ids)
        else:
            kept.append(row)
    unseen = _unseen_by(
        importer,
        [existing[row.email_hash] for row in kept if row.email_hash in existing],
    )

    new_people = []
    for row in kept:
        if row.email_hash not in existing:
            person = Subscriber.for_email(
                row.email, language=row.language, zip_code=row.zip_code
            )
            person.name = row.name or None
            new_people.append(person)
    for chunk in _in_chunks(new_people):
        Subscriber.objects.bulk_create(chunk)
        existing.update(
            Subscriber.objects.filter(
                email_hash__in=[person.email_hash for person in chunk]
            ).values_list("email_hash", "pk")
        )
    report.created = len(new_people)

    now = timezone.now()
    awaiting: dict[int, tuple[str, list[int]]] = {}
    for chunk in _in_chunks(kept):
        ids = [existing[row.email_hash] for row in chunk]
        present = set(
            Subscription.objects.filter(subscriber_id__in=ids).values_list(
                "subscriber_id", "mailing_list_id"
            )
        )
        fresh = []
        for row in chunk:
            subscriber_id = existing[row.email_hash]
            for list_id in row.list_ids:
                if (subscriber_id, list_id) in present:
                    continue
                if subscriber_id in unseen:
                    awaiting.setdefault(subscriber_id, (row.email, []))[1].append(
                        list_id
                    )
                    fresh.append(_pending(subscriber_id, list_id, source))
                else:
                    fresh.append(_confirmed(subscriber_id, list_id, source, now))
        report.already += sum(len(row.list_ids) for row in chunk) - len(fresh)
        Subscription.objects.bulk_create(fresh)
        report.subscribed += len(fresh)
    report.awaiting = sum(len(list_ids) for _email, list_ids in awaiting.values())
    _ask_to_confirm(awaiting)
    report.rejected.sort()
    return report


def _unseen_by(importer, subscriber_ids: list[int]) -> set[int]:
    """Of these people, those on no list where ``importer`` sees their details."""
    if not subscriber_ids or sees_every_list(importer):
        return set()
    seen: set[int] = set()
    shown = subscriptions_seen_by(importer).filter(shows_details=True)
    for chunk in _in_chunks(subscriber_ids):
        seen.update(
            shown.filter(subscriber_id__in=chunk).values_list(
                "subscriber_id", flat=True
            )
        )
    return set(subscriber_ids) - seen


def _confirmed(subscriber_id: int, list_id: int, source: str, now) -> Subscription:
    return Subscription(
        subscriber_id=subscriber_id,
        mailing_list_id=list_id,
        status=Subscription.Status.CONFIRMED,
        source=source,
        consented_at=now,
    )


def _pending(subscriber_id: int, list_id: int, source: str) -> Subscription:
    return Subscription(
        subscriber_id=subscriber_id,
        mailing_list_id=list_id,
        status=Subscription.Status.PENDING,
        source=source,
    )


def _ask_to_confirm(awaiting: dict[int, tuple[str, list[int]]]) -> None:
    """The confirmation e-mail, in each person's own language, for their new pending
    lists (one per person, within the usual limits)."""
    languages: dict[int, str] = {}
    for chunk in _in_chunks(list(awaiting)):
        languages.update(
            Subscriber.objects.filter(pk__in=chunk).values_list("pk", "language")
        )
    for subscriber_id, (email, list_ids) in awaiting.items():
        queue_confirmation(
            subscriber_id=subscriber_id,
            email=email,
            list_ids=list_ids,
            language=languages[subscriber_id],
        )
