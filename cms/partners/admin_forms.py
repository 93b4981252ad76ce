"""Staff forms for keys and webhook endpoints."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from campaigns.models import Campaign
from events.models import EventPage
from subscribers.models import ListPermission
from subscribers.selectors import lists_user_can

from . import keys
from .models import Action, ApiKey, EventType, WebhookEndpoint


class ApiKeyForm(WagtailAdminModelForm):
    actions = forms.MultipleChoiceField(
        label=_("Allowed actions"),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = [
            "name",
            "partner",
            "actions",
            "lists",
            "export_lists",
            "campaigns",
            "events",
            "rate_limit_per_minute",
        ]
        widgets = {
            "lists": forms.CheckboxSelectMultiple,
            "export_lists": forms.CheckboxSelectMultiple,
            "campaigns": forms.CheckboxSelectMultiple,
            "events": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = lists_user_can(self.for_user, ListPermission.Permission.VIEW)
        self.fields["lists"].queryset = visible
        self.fields["export_lists"].queryset = visible
        # RSVPs and counts are shared by an event's translations: grant the original.
        # Only what this staff member may see themselves is offered (keys.check_scope
        # refuses the rest, whatever is posted).
        self.fields["events"].queryset = (
            EventPage.objects.filter(locale=Locale.get_default())
            .filter(pk__in=keys.events_whose_guests_user_sees(self.for_user))
            .live()
            .order_by("-start")
        )
        if not keys.may_read_reports(self.for_user):
            self.fields["campaigns"].queryset = Campaign.objects.none()
        self.kept_out_of_view = self.grants_out_of_view()

    # The grants a form user may not see are not offered, so they are never ticked:
    # without this an edit by staff with a narrower view took them off the key.
    GRANTS = ("lists", "export_lists", "campaigns", "events")

    def grants_out_of_view(self) -> dict[str, list]:
        if not self.instance.pk:
            return {}
        kept = {}
        for name in self.GRANTS:
            field = self.fields[name]
            offered = field.queryset.values("pk")
            held = getattr(self.instance, name).exclude(pk__in=offered)
            if held := list(held):
                kept[name] = held
                field.help_text = ngettext(
                    "The key also holds %(count)d more that you cannot see; "
                    "saving keeps it.",
                    "The key also holds %(count)d more that you cannot see; "
                    "saving keeps them.",
                    len(held),
                ) % {"count": len(held)}
        return kept

    def clean(self):
        cleaned = super().clean()
        try:
            keys.check_scope(
                user=self.for_user,
                actions=cleaned.get("actions") or [],
                list_ids=[item.pk for item in cleaned.get("lists") or []],
                export_list_ids=[item.pk for item in cleaned.get("export_lists") or []],
                campaign_ids=[item.pk for item in cleaned.get("campaigns") or []],
                event_ids=[item.pk for item in cleaned.get("events") or []],
            )
        except PermissionDenied as error:
            raise forms.ValidationError(str(error) or _("Not allowed.")) from None
        for name, held in self.kept_out_of_view.items():
            cleaned[name] = [*(cleaned.get(name) or []), *held]
        return cleaned


class WebhookEndpointForm(WagtailAdminModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["api_key", "url", "description", "event_types", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["api_key"].queryset = ApiKey.objects.filter(revoked_at=None)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith("https://") and not (
            settings.PARTNER_WEBHOOK_ALLOW_HTTP and url.startswith("http://")
        ):
            raise forms.ValidationError(_("Use an https:// address."))
        return url
