"""The public RSVP form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.names import PersonNameField


class RsvpForm(forms.Form):
    name = PersonNameField(label=_("Your name"))
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    join_list = forms.BooleanField(label="", required=False)
    # Humans never see this field; bots that fill every input do.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, list_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if list_name:
            self.fields["join_list"].label = _(
                "Also send me news from the “%(list)s” list"
            ) % {"list": list_name}
        else:
            del self.fields["join_list"]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
