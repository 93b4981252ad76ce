"""The public RSVP form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.form_errors import FocusFirstErrorMixin, NoNulEchoMixin
from cms.form_fields import honeypot_field
from cms.names import PersonNameField
from subscribers.addresses import EmailAddressField


class RsvpForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    name = PersonNameField(label=_("Your name"))
    email = EmailAddressField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    join_list = forms.BooleanField(label="", required=False)
    # Humans never see this field; bots that fill every input do.
    website = honeypot_field()

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
        return is_bot(self.data)

    @classmethod
    def clean_without_form(cls, data, *, offers_list: bool) -> dict | None:
        """The cleaned data of a valid submission, or None where the form would find
        an error (build it then, for its messages). ``offers_list``: the form has the
        ``join_list`` box (it was given a ``list_name``).

        The same fields and checks as ``is_valid``, run on the class's own fields: a
        rally's crowd need not pay for deep-copying four fields and binding them per
        RSVP (Django copies fields so a form may change its own; cleaning changes none
        of them, and the box's label is the only thing ``__init__`` changes).
        """
        cleaned = {}
        for name, field in cls.base_fields.items():
            if name == "join_list" and not offers_list:
                continue
            try:
                cleaned[name] = field.clean(
                    field.widget.value_from_datadict(data, {}, name)
                )
            except forms.ValidationError:
                return None
        return cleaned


def is_bot(data) -> bool:
    """Humans leave the hidden field empty (checked before cleaning strips it)."""
    return bool(data.get("website"))
