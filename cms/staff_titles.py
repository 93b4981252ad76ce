"""Titles staff type (page titles, campaign names) are shown in lists, e-mails and
calendars next to other text. A right-to-left override pasted into one (U+202E, or
another embedding, override or isolate control) turns what follows it around on every
screen that shows it, and is how a misleading name is made: such a title is refused,
with a message in the admin's language. A NUL pasted into a title reached the database
as U+FFFD through autosave: both are dropped (nobody means either).

The same goes for what the promote tab adds to the page's <title> and its link
previews: the search engine title (seo_title) and the search description (the
<meta name="description"> and og:description).

One place for every page type and the campaign: ``install`` (cms.apps) gives the
model fields a validator, which Wagtail runs on every save, draft and autosave
(Page.full_clean and minimal_clean), and their admin form fields the clean-up, which
must come before Django's own refusal of a NUL. Arabic, Hindi and Chinese titles need
no control character: the admin already sets each field's direction."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
LOST_CHARACTERS = re.compile("[\x00\ufffd]")
# Shown in the page's <title>, lists, e-mails and link previews (cms.share).
GUARDED_PAGE_FIELDS = ("title", "seo_title")


def _direction_control_refusal(message):
    """A validator refusing text with a direction control, saying ``message``."""

    def refuse(value) -> None:
        if isinstance(value, str) and DIRECTION_CONTROLS.search(value):
            raise ValidationError(message, code="direction_control")

    return refuse


refuse_direction_controls = _direction_control_refusal(
    _(
        "Remove the invisible text-direction characters (such as a "
        "right-to-left override) from this title: they can make it read "
        "differently from what it says. Retype the title instead of pasting it."
    )
)
refuse_direction_controls_in_description = _direction_control_refusal(
    _(
        "Remove the invisible text-direction characters (such as a "
        "right-to-left override) from this description: they can make it "
        "read differently from what it says. Retype it instead of pasting it."
    )
)


def without_lost_characters(value):
    return LOST_CHARACTERS.sub("", value) if isinstance(value, str) else value


class StaffTitleFormField(forms.CharField):
    def to_python(self, value):
        # Before CharField strips spaces and Django refuses a NUL.
        return super().to_python(without_lost_characters(value))


def _guard(field, validator=refuse_direction_controls) -> None:
    if validator not in field.validators:
        field.validators.append(validator)
    make_form_field = field.formfield

    def formfield(**kwargs):
        return make_form_field(**{"form_class": StaffTitleFormField, **kwargs})

    field.formfield = formfield


def install() -> None:
    """Guard the staff-entered title fields (Page subclasses share Page's fields)."""
    from wagtail.models import Page

    from campaigns.models import Campaign

    for name in GUARDED_PAGE_FIELDS:
        _guard(Page._meta.get_field(name))
    _guard(
        Page._meta.get_field("search_description"),
        refuse_direction_controls_in_description,
    )
    _guard(Campaign._meta.get_field("name"))
