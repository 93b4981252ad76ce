"""Public forms for petitions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cms.embed import EmbedTokenMixin
from cms.form_errors import FocusFirstErrorMixin, NoNulEchoMixin
from cms.form_fields import ZipCodeField, honeypot_field
from cms.languages import LanguageSelect
from cms.names import PersonNameField
from subscribers.addresses import EmailAddressField
from subscribers.forms import ListChoiceField
from subscribers.models import MailingList

EMBED_TOKEN_SALT = "campaigns.embed-form"  # noqa: S105 (a namespace, not a secret)
LINE_BREAK_FIELDS = ("name", "email", "zip_code")


class PetitionForm(NoNulEchoMixin, FocusFirstErrorMixin, forms.Form):
    """Name, e-mail, optional ZIP, optional list opt-in, and a honeypot."""

    name = PersonNameField(label=_("Your name"))
    email = EmailAddressField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    zip_code = ZipCodeField(
        label=_("ZIP code (optional)"),
        message=_("Enter a 5-digit ZIP code, like 60602."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
        ),
    )
    website = honeypot_field()

    def __init__(self, *args, campaign, language: str = "en", **kwargs):
        # Labels without Django's ":" (Chinese "："), like the signup, RSVP and
        # preferences forms' labels.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The opt-in fields are added only where the campaign offers lists: most
        # petitions don't, and a burst of signers shouldn't pay for copying them.
        offered = campaign.offered_list_ids
        if offered:
            # ListChoiceField: an id past the column's range is a form error, not
            # a database overflow (found by the fuzz test).
            self.fields["lists"] = ListChoiceField(
                label=_("Also keep me informed by e-mail about:"),
                queryset=MailingList.objects.filter(pk__in=offered).with_translations(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["list_language"] = forms.ChoiceField(
                label=_("Language for these e-mails"),
                choices=settings.LANGUAGES,
                widget=LanguageSelect,
                initial=language,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for name in LINE_BREAK_FIELDS:
            if _has_line_break(self.data.get(self.add_prefix(name), "")):
                self.add_error(name, _("Line breaks are not allowed here."))
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    @classmethod
    def clean_without_form(cls, data) -> dict | None:
        """The cleaned data of a valid unprefixed submission where no lists are offered,
        or None where the form would find an error (build it then, for its messages).

        The same fields and checks as ``is_valid``, run on the class's own fields: a
        burst of signers need not pay for deep-copying four fields and binding them per
        request (Django copies fields so a form may change its own; cleaning changes
        none of them).
        """
        cleaned = {}
        for name, field in cls.base_fields.items():
            value = field.widget.value_from_datadict(data, {}, name)
            if name in LINE_BREAK_FIELDS and _has_line_break(value):
                return None
            try:
                cleaned[name] = field.clean(value)
            except forms.ValidationError:
                return None
        return cleaned


def _has_line_break(raw) -> bool:
    # Checked on the raw value: CharField strips a trailing newline away.
    return isinstance(raw, str) and ("\r" in raw or "\n" in raw)


class EmbeddedPetitionForm(EmbedTokenMixin, PetitionForm):
    """The widget's form carries a signed, expiring token instead of the CSRF cookie
    (see cms.embed)."""

    embed_salt = EMBED_TOKEN_SALT
    embed_expired_message = _(
        "This form has expired, so your signature was not counted. Please sign again."
    )

    def __init__(self, *args, page_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_id = page_id
        self.add_embed_token(page_id)
