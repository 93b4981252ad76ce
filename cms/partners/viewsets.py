"""Admin screens: partner keys (shown once, revocable), webhook endpoints (secret shown
once), the delivery log with "resend", and the log of personal-data reads."""

from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from cms import url_converters  # noqa: F401 - registers <id:...>

from . import admin_views, keys
from .admin_forms import ApiKeyForm, WebhookEndpointForm
from .models import ApiKey, PersonalDataRead, WebhookDelivery, WebhookEndpoint
from .webhooks import services as webhooks


class ApiKeyCreateView(CreateView):
    """Creates the key through the service and shows its token, once."""

    def save_instance(self):
        data = self.form.cleaned_data
        key, self.token = keys.create_api_key(
            user=self.request.user,
            name=data["name"],
            partner=data["partner"],
            actions=data["actions"],
            lists=data["lists"],
            export_lists=data["export_lists"],
            campaigns=data["campaigns"],
            events=data["events"],
            rate_limit_per_minute=data["rate_limit_per_minute"] or 0,
        )
        return key

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "partners/admin/secret_once.html",
            {
                "title": _("API key created"),
                "object": self.object,
                "secret": self.token,
                "notice": _(
                    "Copy this API key now: it is shown only once. We keep only a "
                    "keyed hash of it."
                ),
                "next_url": reverse("partners_keys:index"),
                "usage": "Authorization: Bearer " + self.token,
            },
        )
        return never_cache(lambda request: response)(self.request)


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("API keys")
    url_prefix = "partners/keys"
    url_namespace = "partners_keys"
    add_view_class = ApiKeyCreateView
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "name",
            label=_("Name"),
            get_url=lambda key: reverse("partners_keys:edit", args=[key.pk]),
        ),
        Column("partner", label=_("Partner")),
        Column(
            "prefix",
            label=_("Key starts"),
            # Its own start, not today's PARTNER_API_KEY_PREFIX: a key made under an
            # earlier one keeps it. Unknown (an older key not used since): "…".
            accessor=lambda key: f"{key.start or '…'}_{key.prefix}_…",
        ),
        Column(
            "actions",
            label=_("Actions"),
            accessor=lambda key: ", ".join(key.actions or []) or "—",
        ),
        DateColumn("last_used_at", label=_("Last used")),
        TitleColumn(
            "revoked_at",
            label=_("Status"),
            accessor=lambda key: _("revoked") if key.revoked_at else _("Revoke…"),
            get_url=lambda key: (
                None
                if key.revoked_at
                else reverse("partners_keys:revoke", args=[key.pk])
            ),
        ),
    ]
    search_fields = ["name", "partner"]

    def get_form_class(self, for_update=False):
        return ApiKeyForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<id:pk>/", admin_views.revoke_key, name="revoke"),
        ]


class WebhookEndpointCreateView(CreateView):
    """Registers the endpoint through the service and shows its secret, once."""

    def save_instance(self):
        data = self.form.cleaned_data
        endpoint, self.secret = webhooks.create_endpoint(
            user=self.request.user,
            api_key=data["api_key"],
            url=data["url"],
            event_types=data["event_types"],
            description=data["description"],
        )
        if not data["active"]:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        return endpoint

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "partners/admin/secret_once.html",
            {
                "title": _("Webhook endpoint created"),
                "object": self.object,
                "secret": self.secret,
                "notice": _(
                    "Copy this signing secret now: it is shown only once. The "
                    "partner's receiver needs it to check every webhook."
                ),
                "next_url": reverse("partners_webhooks:index"),
            },
        )
        return never_cache(lambda request: response)(self.request)


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook endpoints")
    url_prefix = "partners/webhooks"
    url_namespace = "partners_webhooks"
    add_view_class = WebhookEndpointCreateView
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "url",
            label=_("URL"),
            get_url=lambda endpoint: reverse(
                "partners_webhooks:edit", args=[endpoint.pk]
            ),
        ),
        Column("api_key", label=_("API key")),
        Column(
            "event_types",
            label=_("Event types"),
            accessor=lambda endpoint: ", ".join(endpoint.event_types or []),
        ),
        Column("active", label=_("Active")),
    ]

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Logs are written by the platform only: staff may look, never add or edit."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions, **kwargs):
        actions = [
            action for action in actions if action not in {"add", "change", "delete"}
        ]
        return super().users_with_any_permission(actions, **kwargs)


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = _("Webhook deliveries")
    url_prefix = "partners/deliveries"
    url_namespace = "partners_deliveries"
    form_fields = ["status"]  # never shown: the policy refuses add and change
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["status", "event_type", "endpoint"]
    list_display = [
        TitleColumn(
            "event_type",
            label=_("Event"),
            get_url=lambda delivery: reverse(
                "partners_deliveries:inspect", args=[delivery.pk]
            ),
        ),
        Column("endpoint", label=_("Endpoint")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("attempts", label=_("Attempts")),
        Column("last_status_code", label=_("Last HTTP status")),
        DateColumn("created_at", label=_("Created")),
        TitleColumn(
            "resend",
            label=_("Resend"),
            accessor=lambda delivery: _("Resend…"),
            get_url=lambda delivery: reverse(
                "partners_deliveries:resend", args=[delivery.pk]
            ),
        ),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("resend/<id:pk>/", admin_views.resend_delivery, name="resend"),
        ]


class PersonalDataReadViewSet(ModelViewSet):
    model = PersonalDataRead
    icon = "view"
    menu_label = _("Personal data reads")
    url_prefix = "partners/reads"
    url_namespace = "partners_reads"
    form_fields = ["records"]  # never shown: the policy refuses add and change
    copy_view_enabled = False
    list_filter = ["channel", "partner"]
    list_display = [
        DateColumn("at", label=_("Time")),
        Column("partner", label=_("Partner")),
        Column("key_name", label=_("Key")),
        Column("mailing_list", label=_("List")),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("records", label=_("People")),
    ]


class PartnersViewSetGroup(ViewSetGroup):
    menu_label = _("Partners")
    menu_icon = "group"
    menu_order = 260
    items = (
        ApiKeyViewSet("partners_keys"),
        WebhookEndpointViewSet("partners_webhooks"),
        WebhookDeliveryViewSet("partners_deliveries"),
        PersonalDataReadViewSet("partners_reads"),
    )
