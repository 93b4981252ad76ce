"""Form fields every public form shares."""

import unicodedata

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# ASCII only: "\d" also takes Arabic-Indic, Devanagari or mathematical digits.
ZIP_CODE = r"\A[0-9]{5}(?:-[0-9]{4})?\Z"

HONEYPOT_MAX_LENGTH = 200


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
