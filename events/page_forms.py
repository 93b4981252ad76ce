"""The event editor's form: a start or end needs its time, not only its date.

A date typed by hand without its time became midnight twice over: Wagtail's picker
completed it to "2026-12-10 00:00" when the field lost focus, and Django's
``parse_datetime`` reads a bare ISO date as 00:00 anyway; a rally typed so started at
midnight without a word. The editor now uses the browser's own picker, as the alert
forms do (cms.widgets: it fits a phone's screen, Sundays included, and takes any
minute), which stops a half-filled value in the browser (js/whole_times.js); the
editor's validation still refuses a date without its time sent any other way.
"""

import re

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

TIMED_FIELDS = ("start", "end")
# A time of day anywhere in the typed value: "18:30", "6:30", "2026-12-10T18:30".
HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        half_typed = [
            name
            for name in TIMED_FIELDS
            if name in self.fields and name not in self.errors and self._no_time(name)
        ]
        for name in half_typed:
            self.add_error(name, _("Give the time as well as the date."))
        if any(name in self.errors for name in TIMED_FIELDS):
            # The model compares start and end: with one refused (half typed, or a
            # year or offset cms.form_fields.StaffDateTimeField refuses), both stay
            # as they were, so the refusal is the only message ("the end must be
            # after the start" would be about the old value).
            for name in TIMED_FIELDS:
                self.cleaned_data.pop(name, None)
        return cleaned

    def _no_time(self, name: str) -> bool:
        raw = self.data.get(self.add_prefix(name), "")
        return isinstance(raw, str) and bool(raw.strip()) and not HAS_TIME.search(raw)
