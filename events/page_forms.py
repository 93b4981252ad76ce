"""The event editor's form: a start or end needs its time, not only its date.

Wagtail's picker fills both, but a date typed by hand without its time is read by
Django as midnight (``parse_datetime`` accepts a bare ISO date), so a rally typed as
"2026-12-10" would start at 00:00 without a word. The alert forms refuse it in the
browser (js/whole_times.js); here the editor's own validation does.
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
        if half_typed:
            # The model compares start and end: with one refused, both stay as they
            # were, so the refusal is the only message ("the end must be after the
            # start" would be about the old value).
            for name in TIMED_FIELDS:
                self.cleaned_data.pop(name, None)
        return cleaned

    def _no_time(self, name: str) -> bool:
        raw = self.data.get(self.add_prefix(name), "")
        return isinstance(raw, str) and bool(raw.strip()) and not HAS_TIME.search(raw)
