"""Fields of the campaign admin's forms."""

import re
from itertools import pairwise

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Between two numbers: a comma with a space after it, a semicolon, spaces or a new
# line. A comma with no space after it, and a single space between two digits, are
# settled token by token (_numbers_in): either may separate thousands ("2 500").
SPACED_SEPARATORS = re.compile(r",(?=\s)|(?!(?<=\d) (?=\d))[;\s]+")
BARE_SEPARATORS = re.compile(r"[, ]")
# A no-break space (plain, narrow or thin) between groups of three digits is what
# number formatting writes between thousands, never between numbers: "2 500" is 2500.
NO_BREAK_THOUSANDS = re.compile(
    r"(?<!\d)[1-9]\d{0,2}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)"
)
NO_BREAK_SPACES = re.compile(r"[\u00a0\u202f\u2009]")
WHOLE_NUMBER = re.compile(r"\d+")
QUOTES = "\"'"


class ThresholdsField(forms.CharField):
    """Milestone thresholds typed as "10, 25, 50, 100", stored as a sorted list.

    The model keeps a JSONField, whose own form field wanted JSON and answered
    "10, 25, 50, 100" with only "Enter a valid JSON."

    A comma followed by three digits, no space, may be a thousands separator
    ("2,500") or a list typed without spaces ("2,500" for 2 and 500). It is read as
    thousands when only that reading makes sense ("10,000": 000 is no threshold) or
    when the rest of the list is spaced ("10, 25, 2,500"). Typed without spaces,
    "2,500" and "100,250,500" could be either and are refused, naming both readings,
    rather than guessed. Other lists without spaces stay lists: "10,25,50,100" as typed,
    in order; "10,25,2,500" is out of order, so its last comma may be a thousands
    separator, and it is refused too.

    A single space between two digits is read as such a comma ("2 500" is refused
    as "2,500" is; "10, 25, 2 500" is 2500; "10 25 50 100" is a list), and a
    no-break space between groups of three digits always separates thousands
    ("2 500", as Polish, French or Hindi number formatting writes it, is 2500).
    """

    default_error_messages = {
        "not_a_number": _(
            "“%(value)s” is not a whole number above zero. Put numbers separated "
            "by commas, for example 10, 25, 50, 100."
        ),
        "ambiguous": _(
            "“%(value)s” could be one number (%(number)s) or several (%(numbers)s). "
            "Write %(number)s for one number, or put a space after each comma "
            "between numbers: %(numbers)s."
        ),
        "mixed": _(
            "In “%(value)s” some commas may separate thousands and others numbers. "
            "Put a space after each comma between numbers, for example 10, 25, 2,500."
        ),
        "ambiguous_space": _(
            "“%(value)s” could be one number (%(number)s) or several (%(numbers)s). "
            "Write %(number)s for one number, or put a comma and a space between "
            "numbers: %(numbers)s."
        ),
        "mixed_space": _(
            "In “%(value)s” some spaces may separate thousands and others numbers. "
            "Put a comma and a space between numbers, for example 10, 25, 2 500."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Numbers separated by a comma and a space, for example 10, 25, 50, "
                "100, 2,500. A comma or a space followed by three digits inside a "
                "number separates thousands (2,500 and 2 500 are two thousand five "
                "hundred). Repeats are dropped and the numbers sorted."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(number) for number in value)
        return value  # what was typed, shown again with its error

    def to_python(self, value) -> list[int]:
        text = super().to_python(value).strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        text = NO_BREAK_THOUSANDS.sub(
            lambda match: NO_BREAK_SPACES.sub("", match[0]), text
        )
        tokens = [token for token in SPACED_SEPARATORS.split(text) if token.strip(",")]
        numbers = set()
        for token in tokens:
            numbers.update(self._numbers_in(token.strip(","), spaced=len(tokens) > 1))
        return sorted(numbers)

    def _numbers_in(self, token: str, *, spaced: bool) -> list[int]:
        """The numbers in one token: a number, or numbers joined by bare commas or
        single spaces."""
        groups = [group.strip(QUOTES) for group in BARE_SEPARATORS.split(token)]
        for group in groups:
            if not WHOLE_NUMBER.fullmatch(group):
                raise self._not_a_number(group)  # ["10", "many"]: many, not "many"
        if _thousands_shaped(groups):
            # "10,000": no list has a 000; "10, 25, 2,500": the list is spaced.
            if spaced or any(group.startswith("0") for group in groups[1:]):
                return [int("".join(groups))]
            raise self._error("ambiguous", token, groups)
        numbers = [int(group) for group in groups]
        # "10,25,50,100" is a list as typed, in order; "10,25,2,500" is not.
        if _could_hold_thousands(groups) and numbers != sorted(set(numbers)):
            raise self._error("mixed", token, groups)
        for group, number in zip(groups, numbers, strict=True):
            if number < 1:
                raise self._not_a_number(group)
        return numbers

    def _not_a_number(self, typed: str) -> ValidationError:
        return ValidationError(
            self.error_messages["not_a_number"],
            code="not_a_number",
            params={"value": typed},
        )

    def _error(self, code: str, token: str, groups: list[str]) -> ValidationError:
        message = self.error_messages[f"{code}_space" if " " in token else code]
        return ValidationError(
            message,
            code=code,
            params={
                "value": token,
                "number": "".join(groups),
                "numbers": ", ".join(str(int(group)) for group in groups),
            },
        )

    def validate(self, value):
        # The parent checks emptiness on the list: "" and "[]" are both empty.
        super().validate(value or "")


def _thousands_shaped(groups: list[str]) -> bool:
    """Written as one number with thousands separators: 2,500 or 1,000,000."""
    return (
        len(groups) > 1
        and 1 <= len(groups[0]) <= 3
        and not groups[0].startswith("0")
        and all(len(group) == 3 for group in groups[1:])
    )


def _could_hold_thousands(groups: list[str]) -> bool:
    """Some comma could separate thousands: three digits after one to three."""
    return any(
        len(later) == 3 and len(earlier) <= 3 for earlier, later in pairwise(groups)
    )
