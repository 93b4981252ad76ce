"""Form fields the forms share: the public forms' and the staff screens' times."""

import unicodedata
from datetime import timedelta

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# ASCII only: "\d" also takes Arabic-Indic, Devanagari or mathematical digits.
ZIP_CODE = r"\A[0-9]{5}(?:-[0-9]{4})?\Z"

HONEYPOT_MAX_LENGTH = 200
# Time zones run from UTC-12:00 to UTC+14:00; Python reads offsets up to 23:59, and
# PostgreSQL refuses one past 15:59 at the insert (a 500).
LARGEST_UTC_OFFSET = timedelta(hours=14)
# The years a staff time may be in. The browser's date picker takes a year typed with
# two digits as it is ("26" is the year 26): such an event went out as past, and the
# year 1, like a placeholder 9999, left the editor (9999) or the event's .ics and
# every calendar feed listing it (1, 9998) answering 500.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def year_out_of_range_message() -> str:
    return _(
        "Check the year: give all four digits, between %(earliest)s and %(latest)s."
    ) % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}


class HoneypotField(forms.CharField):
    """Never invalid: a bot that fills it with anything (too long, a NUL character)
    must get the answer a filled honeypot gets, the form's pretend success, not the
    form's 400, which would tell it that it was caught. Only the first characters are
    kept (the value is never stored, only tested for being empty)."""

    def to_python(self, value):
        value = super().to_python(value)
        kept = value.replace("\x00", "")[:HONEYPOT_MAX_LENGTH]
        return kept or ("filled" if value else "")


def honeypot_field() -> forms.CharField:
    """The honeypot: hidden from people by the page's CSS and from the tab order,
    filled in by naive bots (a form with it filled stores nothing)."""
    return HoneypotField(
        label=_("Leave this field empty"),
        required=False,
        max_length=HONEYPOT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def normalise_zip_code(value: str) -> str:
    """A ZIP code as typed, with the digits of any script in ASCII: an Arabic or
    Hindi phone keyboard types ٦٠٦٠٨ or ६०६०८, a Chinese one full-width ６０６０８,
    and stored so they were never found by an alert's ZIP prefix (606)."""
    return ascii_digits(value)


def ascii_digits(value: str) -> str:
    """``value`` in NFKC with every decimal digit, of any script, in ASCII (٢٠٢٦ is
    2026); other characters as they are."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(
        str(unicodedata.decimal(char))
        if unicodedata.decimal(char, None) is not None
        else char
        for char in value
    )


class ZipCodeField(forms.CharField):
    """An optional US ZIP code (60608 or 60608-1234; or what ``pattern`` takes, such
    as a prefix), stored with ASCII digits."""

    def __init__(self, *, message=None, pattern: str = ZIP_CODE, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)
        kwargs["validators"] = [RegexValidator(pattern, message, "zip")]
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_zip_code(super().to_python(value))


def normalise_stored_zip_codes(model) -> int:
    """Rewrite ``model``'s stored ZIP codes typed in another script's digits (before
    ZipCodeField) with ASCII ones; returns how many rows changed. For migrations."""
    changed = 0
    rows = model.objects.exclude(zip_code="").filter(zip_code__regex=r"[^0-9-]")
    for pk, zip_code in rows.values_list("pk", "zip_code").iterator():
        fixed = normalise_zip_code(zip_code)
        if fixed != zip_code and fixed.replace("-", "").isascii():
            changed += model.objects.filter(pk=pk).update(zip_code=fixed)
    return changed


class StaffDateTimeField(forms.DateTimeField):
    """A date and time as staff type it (an event's start, a send time, a page's "go
    live"), refused in their language when no database could store it: an offset no
    time zone has (2026-12-10T10:00+23:59, which PostgreSQL refused at the insert) or
    a year past 2100 (9999-12-31T23:59 in Chicago is in the year 10000 in UTC, which
    SQLite's adapter could not convert). Both were a 500. Wagtail's admin forms use it
    for every model DateTimeField (cms.wagtail_hooks)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        offset = value.utcoffset()
        if offset is not None and abs(offset) > LARGEST_UTC_OFFSET:
            raise forms.ValidationError(
                _("No time zone has this UTC offset."), code="offset"
            )
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise forms.ValidationError(year_out_of_range_message(), code="year")
        return value
