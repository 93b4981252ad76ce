"""Form fields every public form shares."""

from django import forms
from django.utils.translation import gettext_lazy as _


def honeypot_field() -> forms.CharField:
    """The honeypot: hidden from people by the page's CSS and from the tab order,
    filled in by naive bots (a form with it filled stores nothing)."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
