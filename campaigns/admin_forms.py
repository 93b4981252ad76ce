"""Fields of the campaign admin's forms."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Commas, spaces or both between the numbers; the brackets of a JSON list are allowed
# around them, as the field once had to be typed.
SEPARATORS = re.compile(r"[\s,]+")
WHOLE_NUMBER = re.compile(r"\d+")


class ThresholdsField(forms.CharField):
    """Milestone thresholds typed as "10, 25, 50, 100", stored as a sorted list.

    The model keeps a JSONField, whose own form field wanted JSON and answered
    "10, 25, 50, 100" with only "Enter a valid JSON."
    """

    default_error_messages = {
        "not_a_number": _(
            "“%(value)s” is not a whole number above zero. Put numbers separated "
            "by commas, for example 10, 25, 50, 100."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("Numbers separated by commas, for example 10, 25, 50, 100."),
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
        numbers = set()
        for token in SEPARATORS.split(text):
            typed = token.strip("\"'")  # ["10", "many"]: name many, not "many"
            if not typed:
                continue
            if not WHOLE_NUMBER.fullmatch(typed) or int(typed) < 1:
                raise ValidationError(
                    self.error_messages["not_a_number"],
                    code="not_a_number",
                    params={"value": typed},
                )
            numbers.add(int(typed))
        return sorted(numbers)

    def validate(self, value):
        # The parent checks emptiness on the list: "" and "[]" are both empty.
        super().validate(value or "")
