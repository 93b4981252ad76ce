"""Admin: RSVPs per event, read-only (people change their RSVP, staff do not)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from events.models import Rsvp
from subscribers.exports import neutralise


class ReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in {"add", "change"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class RsvpIndexView(IndexView):
    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # Names come from the public RSVP form: a spreadsheet must not run them.
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return neutralise(value)
        return value


class RsvpViewSet(ModelViewSet):
    model = Rsvp
    index_view_class = RsvpIndexView
    menu_label = _("RSVPs")
    icon = "date"
    add_to_admin_menu = True
    menu_order = 300
    list_display = [
        "event",
        "name",
        "status",
        "language",
        "created_at",
        "checked_in_at",
    ]
    list_filter = ["status"]
    list_export = ["event", "name", "email", "status", "language", "created_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "name",
        "email",
        "status",
        "language",
        "created_at",
        "cancelled_at",
        "checked_in_at",
    ]
    form_fields = ["status"]


register_permission_policy(Rsvp, ReadOnlyPolicy(Rsvp))
rsvp_viewset = RsvpViewSet("rsvps")
