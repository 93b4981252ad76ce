"""The one rule for a person's name typed into a public form (signup, petition, RSVP).

Names are merged into e-mails from the office's own domain, so they must not carry a
message: letters and marks of any script, spaces, apostrophes, hyphens and dots; no
digits, no "@", no link. A name must still fit every language we serve, hence the
joiners Hindi and Persian spelling needs and the middle dot of Chinese names.

``name_search_key``: how a typed name is found among stored ones (the check-in list),
as a volunteer at the door types what they hear, often without the accents.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 100
MAX_MARKS_IN_A_ROW = 4
PUNCTUATION = set(" '\u2019\u02bc-\u2010\u2011.\u00b7\u30fb")
JOINERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ: part of how some scripts are written
# A domain ("ona-verify.example"), or a scheme or www on its own. Linear in the value's
# length: a run of letters is tried only from its first letter (the lookbehind) and
# never given back (possessive), where "[^\W\d_]{2,}\." alone backtracks over every
# suffix of a long run: 40,000 letters took 23 s.
LINK = re.compile(
    r"(?<![^\W\d_])[^\W\d_]{2,}+\.[^\W\d_]{2}|\b(?:https?|www)\b", re.IGNORECASE
)
SPACES = re.compile(r" {2,}")
# The marks a Latin, Greek or Cyrillic letter's accents decompose into (NFKD): the
# Combining Diacritical Marks blocks; and Arabic's optional vowel marks and hamza
# above or below (أحمد is found by احمد, مُحَمَّد by محمد). Other scripts' combining
# marks (Devanagari vowel signs and virama, kana voicing) spell different names and
# stay.
ACCENTS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u064b-\u065f\u0670]"
)
# Letters with no decomposition that a keyboard without them replaces (casefold has
# made ß "ss" and the capitals small already).
BASE_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)


def validate_person_name(value: str) -> None:
    """Raise ValidationError unless ``value`` reads as a name and nothing else."""
    if len(value) > MAX_LENGTH:
        # Django runs every validator even after max_length failed: its message says
        # what is wrong, and a megabyte of "name" is not looked through.
        return
    marks_in_a_row = 0
    for char in value:
        if char in PUNCTUATION or char in JOINERS:
            marks_in_a_row = 0
            continue
        kind = unicodedata.category(char)[0]
        marks_in_a_row = marks_in_a_row + 1 if kind == "M" else 0
        # Hindi, Arabic or Vietnamese put at most three marks on one letter; forty
        # stacked on one ("Zalgo" text) run over the lines above and below in the
        # admin, the check-in list and e-mails.
        if kind not in "LM" or marks_in_a_row > MAX_MARKS_IN_A_ROW:
            raise ValidationError(
                _("Please use only letters, spaces, apostrophes, hyphens and dots."),
                code="name_characters",
            )
    if LINK.search(value):
        raise ValidationError(
            _("A name cannot contain a web address."), code="name_link"
        )
    if not any(unicodedata.category(char)[0] == "L" for char in value):
        raise ValidationError(_("Please enter a name."), code="name_letters")


class PersonNameField(forms.CharField):
    """A CharField for a person's name: NFC, single spaces, validated as above."""

    default_validators = [validate_person_name]

    def __init__(self, **kwargs):
        # Never above MAX_LENGTH: validate_person_name looks through no more.
        kwargs["max_length"] = min(kwargs.get("max_length", MAX_LENGTH), MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return SPACES.sub(" ", unicodedata.normalize("NFC", value))


def name_search_key(text: str) -> str:
    """``text`` as a name search compares it: case and accents folded ("jose" finds
    "José", "lukasz" "Łukasz", "strauss" "Strauß"), other scripts as they are written.
    For the needle and the names alike."""
    folded = ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    # What is left composed again: ガ is one letter, and "カ" must not be found in it.
    return unicodedata.normalize("NFC", folded).translate(BASE_LETTERS)
