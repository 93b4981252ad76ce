"""Public forms: signup and the preference centre."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cms.embed import EmbedTokenMixin
from cms.form_errors import FocusFirstErrorMixin, NoNulEchoMixin
from cms.form_fields import ZipCodeField, honeypot_field
from cms.languages import LanguageSelect
from cms.names import PersonNameField
from subscribers.addresses import EmailAddressField

from .models import MailingList

# Imported names go into e-mail headers and CSV files: no line breaks or control
# characters (names typed into forms follow cms.names).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


# Largest BigAutoField value: anything else would overflow SQLite's integer and 500.
MAX_ID = 2**63 - 1


class ListChoiceField(forms.ModelMultipleChoiceField):
    """Lists by their name in the reader's language; ids checked before any query."""

    def label_from_instance(self, obj: MailingList) -> str:
        return obj.display_name

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SignupForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    # The order the page shows them in (templates/subscribers/signup_page.html).
    focus_order = ("lists", "email", "name", "zip_code", "language")

    email = EmailAddressField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    name = PersonNameField(label=_("Name (optional)"), required=False)
    zip_code = ZipCodeField(
        label=_("ZIP code (optional)"),
        message=_("Enter a ZIP code such as 60602."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language for our e-mails"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )
    lists = ListChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one list."),
            "invalid_choice": _("That list does not exist."),
            "invalid_pk_value": _("That list does not exist."),
        },
    )
    # Honeypot: hidden from people, filled in by naive bots.
    website = honeypot_field()

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = (
            lists if lists is not None else MailingList.objects.all()
        ).with_translations()

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class EmbeddedSignupForm(EmbedTokenMixin, SignupForm):
    """The signup form in a partner's frame: a signed token instead of the CSRF cookie
    (see cms.embed)."""

    embed_salt = "subscribers.embed-form"

    def __init__(self, *args, page_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_embed_token(page_id)


class PreferencesForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    focus_order = ("lists", "language")

    language = forms.ChoiceField(
        label=_("Language for our e-mails"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )
    lists = ListChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.with_translations(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("That list does not exist."),
            "invalid_pk_value": _("That list does not exist."),
        },
    )

    def __init__(self, *args, pending_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A pending list may be a stranger's signup: never ticked for the person, and
        # named as waiting, so it does not pass for a list they are on.
        pending = set(pending_ids)
        field = self.fields["lists"]
        plain_label = field.label_from_instance
        field.label_from_instance = lambda item: (
            _("%(list)s (waiting for you to confirm: see the e-mail we sent)")
            % {"list": plain_label(item)}
            if item.pk in pending
            else plain_label(item)
        )


def address_field(label) -> EmailAddressField:
    return EmailAddressField(
        label=label,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )


class AddressRequestForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    """A form that asks for one address and mails it a link, behind a honeypot
    (its templates place every field themselves)."""

    # Honeypot: hidden from people, filled in by naive bots.
    website = honeypot_field()

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class NewLinkForm(AddressRequestForm):
    """ "E-mail me a new link" for someone whose link was cut off or altered."""

    focus_order = ("email",)

    email = address_field(_("E-mail address"))


class EmailChangeForm(AddressRequestForm):
    """ "Change my e-mail address" on the preference centre a mailed link opens."""

    focus_order = ("new_email",)

    new_email = address_field(_("New e-mail address"))


class EraseForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete everything you hold about me."),
        required=True,
        # Django's "This field is required." does not say what to do.
        error_messages={
            "required": _("Tick this box to confirm that you want your data erased.")
        },
    )
