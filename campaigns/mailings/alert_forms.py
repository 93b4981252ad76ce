"""Admin forms of the organizer flow: a rally alert on one screen, in six languages,
updates and cancels."""

import hashlib
import json

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from campaigns.mailings.services.alerts import UPDATABLE
from cms import bidi
from cms.form_fields import StaffDateTimeField
from cms.languages import language_label
from cms.local_time import city_zone, zone_help_lazy, zoned_lazy
from cms.widgets import browser_datetime_input
from subscribers.models import MailingList

MESSAGE_HELP = _("A few sentences: people read this on a phone.")
# Every language but the one the organizer writes in (the site's default).
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
MACHINE_SALT = "campaigns.alerts.machine-draft"
CITY_TIME_HELP = zone_help_lazy()


def chicago_time_input() -> forms.DateTimeInput:
    """The browser's own date and time picker (cms.widgets.browser_datetime_input).

    Wagtail's AdminDateTimeInput replaced a time it could not parse with the current
    time on blur, so an alert went out for the wrong time without a word.
    """
    return browser_datetime_input()


class ChicagoDateTimeField(StaffDateTimeField):
    """A time typed and shown in Chicago time, as the labels say.

    The Wagtail admin reads form times in the time zone of the organizer's account,
    which they may have set to another (their own) zone: the rally would then be
    published hours off, with "Chicago time" written above the field. Shown in the
    browser's own picker (``chicago_time_input``).
    """

    widget = chicago_time_input()

    def to_python(self, value):
        with timezone.override(city_zone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(city_zone()):
            return super().prepare_value(value)


def _digest(texts: dict[str, str]) -> str:
    canonical = json.dumps(
        {key: " ".join((value or "").split()) for key, value in sorted(texts.items())}
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign_machine_draft(texts: dict[str, str], tool_name: str) -> str:
    """A token saying "a machine wrote exactly these texts", checked on submit."""
    return signing.dumps({"d": _digest(texts), "t": tool_name}, salt=MACHINE_SALT)


def machine_tool_for(texts: dict[str, str], token: str) -> str:
    """The tool that wrote ``texts`` if nobody changed them since; else ""."""
    if not token:
        return ""
    try:
        payload = signing.loads(token, salt=MACHINE_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return ""
    if not isinstance(payload, dict) or payload.get("d") != _digest(texts):
        return ""
    return str(payload.get("t", ""))[:100]


class TranslationsMixin(forms.Form):
    """Optional fields per language beside the organizer's own, and the machine marks.

    ``translated_fields`` names the fields that get a copy per language.
    """

    translated_fields: tuple[str, ...] = ()
    machine_note = forms.BooleanField(
        label=_("Tell readers when their language was translated by machine"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in OTHER_LANGUAGES:
            name = language_label(language)
            attrs = {"lang": language, "dir": bidi.direction(language)}
            for field in self.translated_fields:
                source = self.fields[field]
                widget = (
                    forms.Textarea(attrs={**attrs, "rows": 3})
                    if isinstance(source.widget, forms.Textarea)
                    else forms.TextInput(attrs=attrs)
                )
                self.fields[f"{field}_{language}"] = forms.CharField(
                    label=f"{source.label} · {name}",
                    max_length=source.max_length,
                    required=False,
                    widget=widget,
                )
            self.fields[f"machine_{language}"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )

    def clean(self):
        cleaned = super().clean()
        if "message" not in self.translated_fields:
            return cleaned
        for language in OTHER_LANGUAGES:
            texts = self.language_texts(language, cleaned)
            if texts["message"] or not any(texts.values()):
                continue
            # A language is used only with its message (services.alerts): a title
            # or "what" alone would be dropped without a word, and its readers
            # would get English after someone took the time to translate.
            self.add_error(
                f"message_{language}",
                _(
                    "Write the short message in this language too, or empty its "
                    "other fields: without the message, its readers get everything "
                    "in English."
                ),
            )
        return cleaned

    def language_groups(self) -> list[dict]:
        """The per-language fields grouped for the template: one fieldset each."""
        return [
            {
                "code": language,
                "name": language_label(language),
                "fields": [
                    self[f"{field}_{language}"] for field in self.translated_fields
                ],
                "machine": self[f"machine_{language}"],
                "filled": any(
                    self[f"{field}_{language}"].value()
                    for field in self.translated_fields
                ),
            }
            for language in OTHER_LANGUAGES
        ]

    def main_fields(self):
        hidden = (
            {
                f"{field}_{language}"
                for field in self.translated_fields
                for language in OTHER_LANGUAGES
            }
            | {f"machine_{language}" for language in OTHER_LANGUAGES}
            | {"machine_note"}
        )
        return [self[name] for name in self.fields if name not in hidden]

    def source_texts(self, data=None) -> dict[str, str]:
        data = data if data is not None else self.cleaned_data
        return {field: data.get(field) or "" for field in self.translated_fields}

    def language_texts(self, language: str, data=None) -> dict[str, str]:
        data = data if data is not None else self.cleaned_data
        return {
            field: (data.get(f"{field}_{language}") or "").strip()
            for field in self.translated_fields
        }

    def translations(self) -> dict[str, dict]:
        """{language: {field: text, ..., "machine_tool": tool or ""}} of the languages
        the organizer (or the machine) filled in."""
        result = {}
        for language in OTHER_LANGUAGES:
            texts = self.language_texts(language)
            if not any(texts.values()):
                continue
            tool = machine_tool_for(
                texts, self.cleaned_data.get(f"machine_{language}", "")
            )
            result[language] = {**texts, "machine_tool": tool}
        return result


class ListsMixin(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only lists you may send to are shown."),
    )

    def __init__(self, *args, allowed_lists, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lists"]
        field.queryset = allowed_lists
        if author is not None:
            field.label_from_instance = lambda mailing_list: _list_label(
                author, mailing_list
            )
            if allowed_lists.filter(two_person_rule=True).exists():
                field.help_text = _(
                    "Only lists you may send to are shown. An alert to a list marked "
                    "“needs a second person's approval” waits until someone else "
                    "approves it."
                )


def _list_label(author, mailing_list) -> str:
    from campaigns.mailings.services.alerts import approval_note

    note = approval_note(author, mailing_list)
    return f"{mailing_list.name} — {note}" if note else mailing_list.name


class RallyAlertForm(TranslationsMixin, ListsMixin):
    translated_fields = ("title", "what", "message")

    title = forms.CharField(label=_("Title"), max_length=120)
    what = forms.CharField(
        label=_("What"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    start = ChicagoDateTimeField(
        label=zoned_lazy(gettext_noop("When (%(zone)s)")),
        help_text=CITY_TIME_HELP,
    )
    end = ChicagoDateTimeField(
        label=_("Ends"),
        required=False,
        help_text=zoned_lazy(
            gettext_noop("%(zone)s. Empty: two hours after the start.")
        ),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_(
            "Empty: no limit. Once it is full, people who RSVP go on a waitlist."
        ),
    )
    address_on_rsvp_only = forms.BooleanField(
        label=_("Address on RSVP only"),
        required=False,
        help_text=_("The alert and the page leave the address out; RSVPs get it."),
    )
    message = forms.CharField(
        label=_("Short message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=600,
        help_text=MESSAGE_HELP,
    )
    field_order = ["title", "what", "start", "end", "venue", "address", "capacity"]


class EventAlertForm(TranslationsMixin, ListsMixin):
    translated_fields = ("message",)

    message = forms.CharField(
        label=_("Short message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=600,
        help_text=MESSAGE_HELP,
    )


class MessageInLanguagesMixin(forms.Form):
    """The message again, optionally, in each language the alert was translated into
    (``languages``), right after the organizer's own: readers of a language left
    empty get the organizer's message."""

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = [code for code in languages if code in OTHER_LANGUAGES]
        if self.languages:
            self.fields["message"].help_text = _(
                "Readers of a language you leave empty below get this message."
            )
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            if name == "message":
                fields.update(self._language_fields(field))
        self.fields = fields

    def _language_fields(self, source) -> dict:
        return {
            f"message_{language}": forms.CharField(
                label=f"{source.label} · {language_label(language)}",
                max_length=source.max_length,
                required=False,
                # Typed in the language's own direction: Arabic right to left.
                widget=forms.Textarea(
                    attrs={
                        "rows": 3,
                        "lang": language,
                        "dir": bidi.direction(language),
                    }
                ),
            )
            for language in self.languages
        }

    def messages_by_language(self) -> dict[str, str]:
        """{language: text} of the languages filled in."""
        texts = {
            language: (self.cleaned_data.get(f"message_{language}") or "").strip()
            for language in self.languages
        }
        return {language: text for language, text in texts.items() if text}


class AlertUpdateForm(MessageInLanguagesMixin):
    """Filled in with the event's time and place (``for_event``): the organizer
    changes what changed, and a value left as it was is no change
    (alerts.keep_length)."""

    message = forms.CharField(
        label=_("What changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
    )
    start = ChicagoDateTimeField(
        label=zoned_lazy(gettext_noop("When (%(zone)s)")),
        required=False,
        help_text=CITY_TIME_HELP,
    )
    end = ChicagoDateTimeField(
        label=_("Ends"),
        required=False,
        help_text=zoned_lazy(
            gettext_noop(
                "%(zone)s. Left as it is, the end moves with a new start: the event "
                "keeps its length."
            )
        ),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    @classmethod
    def for_event(cls, event, **kwargs) -> "AlertUpdateForm":
        """The unbound form showing ``event``'s (its default-locale page's) values."""
        initial = {name: getattr(event, name) for name in UPDATABLE}
        return cls(initial=initial, **kwargs)


class CancelEventForm(MessageInLanguagesMixin):
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        required=False,
    )
    notify = forms.BooleanField(
        label=_("Send a cancellation alert to the same lists"),
        required=False,
        initial=True,
    )
