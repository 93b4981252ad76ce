"""Admin widgets shared by the apps' forms."""

from django import forms


class WholeDateTimeInput(forms.DateTimeInput):
    """The browser's picker, with a script that stops a form sent with the picker
    half filled in (js/whole_times.js): the browser sends such a field empty."""

    class Media:
        js = ["js/whole_times.js"]


def browser_datetime_input() -> forms.DateTimeInput:
    """The browser's own date and time picker.

    Wagtail's AdminDateTimeInput replaces a time it cannot parse (12/05/2026 5:30 PM)
    with the current time on blur, opens off the left edge of a phone's screen (the
    Sunday column and "previous month" out of reach) and lists whole hours only. The
    browser's picker fits the phone, takes any minute and only lets a whole date and
    time through. It sends "2026-12-10T18:30", which Django's DateTimeField reads in
    the active time zone like any other format.
    """
    return WholeDateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
