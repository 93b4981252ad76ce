from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from campaigns.mailings.alert_forms import chicago_time_input
from campaigns.mailings.models import Mailing
from campaigns.models import Campaign
from cms.form_fields import StaffDateTimeField, ZipCodeField
from cms.languages import language_choices
from cms.models import AlertPage, BulletinPage
from events.models import EventPage
from subscribers.models import MailingList

# The page types that have an e-mail form (cms.models.MailablePageMixin).
MAILABLE_PAGES = [BulletinPage, AlertPage, EventPage]


class MailingForm(forms.Form):
    page = forms.ModelChoiceField(
        label=_("Page to send"),
        queryset=Page.objects.none(),  # set per form: .type() reads content types
        widget=AdminPageChooser(target_models=MAILABLE_PAGES, can_choose_root=False),
        help_text=_("A bulletin, an alert or an event."),
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Only these languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to reach every language."),
    )
    # Stored ZIP codes have ASCII digits (cms.form_fields): so has the prefix, however
    # the keyboard wrote it (٦٠٦ is 606).
    zip_prefix = ZipCodeField(
        label=_("Only ZIP codes starting with"),
        pattern=r"\A[0-9]{0,5}\Z",
        max_length=5,
        message=_("Enter up to five digits, like 606."),
        help_text=_(
            "Up to five digits: 606 reaches the people whose ZIP code starts with "
            "606, and leaves out those who gave none. Leave empty to reach everyone."
        ),
    )
    lane = forms.ChoiceField(
        label=_("Lane"),
        choices=Mailing.Lane.choices,
        initial="bulk",
        help_text=_(
            "Alerts go out ahead of any bulletin being sent: keep them for news that "
            "cannot wait."
        ),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.all(),
        required=False,
        help_text=_("The mailing is listed in this campaign's report."),
    )
    track_opens = forms.BooleanField(
        label=_("Track opens"),
        required=False,
        help_text=_(
            "Off unless you need it: readers may not expect it. The report shows how "
            "many people opened it, per language and list, never who."
        ),
    )
    track_clicks = forms.BooleanField(
        label=_("Track clicks"),
        required=False,
        help_text=_("The report shows how many people clicked a link, the same way."),
    )

    def __init__(self, *args, allowed_lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = allowed_lists
        self.fields["page"].queryset = (
            Page.objects.live().type(*MAILABLE_PAGES).specific()
        )
        self.fields["languages"].choices = language_choices()


class ScheduleForm(forms.Form):
    # The browser's own picker (alert_forms.chicago_time_input): Wagtail's replaced a
    # time it could not read with "now", and a scheduled bulletin would go out at once.
    # Not marked required: "Send now" beside it needs no time, though an asterisk said
    # it did. Scheduling without one is still refused (clean_send_at).
    send_at = StaffDateTimeField(
        label=_("Send at"), widget=chicago_time_input(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The time typed is read in the admin's active time zone: say which one.
        now = timezone.localtime()
        self.fields["send_at"].help_text = _(
            "Time zone: %(zone)s (%(abbreviation)s)"
        ) % {
            "zone": timezone.get_current_timezone_name(),
            "abbreviation": now.strftime("%Z"),
        }

    def clean_send_at(self):
        when = self.cleaned_data["send_at"]
        if when is None:
            raise forms.ValidationError(
                self.fields["send_at"].error_messages["required"], code="required"
            )
        return when
