"""Admin forms of the organizer flow: a rally alert on one screen, updates, cancels."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from subscribers.models import MailingList

MESSAGE_HELP = _("A few sentences: people read this on a phone.")


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


class RallyAlertForm(ListsMixin):
    title = forms.CharField(label=_("Title"), max_length=120)
    what = forms.CharField(
        label=_("What"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    start = forms.DateTimeField(
        label=_("When (Chicago time)"), widget=AdminDateTimeInput()
    )
    end = forms.DateTimeField(
        label=_("Ends"),
        widget=AdminDateTimeInput(),
        required=False,
        help_text=_("Empty: two hours after the start."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
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
    field_order = ["title", "what", "start", "end", "venue", "address"]


class EventAlertForm(ListsMixin):
    message = forms.CharField(
        label=_("Short message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=600,
        help_text=MESSAGE_HELP,
    )


class AlertUpdateForm(forms.Form):
    message = forms.CharField(
        label=_("What changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
    )
    start = forms.DateTimeField(
        label=_("New start (Chicago time)"), widget=AdminDateTimeInput(), required=False
    )
    end = forms.DateTimeField(
        label=_("New end"), widget=AdminDateTimeInput(), required=False
    )
    venue = forms.CharField(label=_("New venue"), max_length=200, required=False)
    address = forms.CharField(label=_("New address"), max_length=300, required=False)


class CancelEventForm(forms.Form):
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
