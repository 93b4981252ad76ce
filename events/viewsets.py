"""Admin: RSVPs per event, read-only (people change their RSVP, staff do not).

Scoped like subscribers: a staffer with "view RSVP" sees the RSVPs of the events that
offer a list they may view (``ListPermission`` "view") or were alerted to one, and guests' names, never their
addresses (as on the check-in list). Administrators see every RSVP with its address,
and only they may delete one (a guest's erasure request: a guest who joined no list
has no preferences page to erase from)."""

from datetime import datetime

from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.local_time import city_zone, with_zone_name
from cms.templatetags.admin_tags import with_zone
from events import rsvps
from events.models import EventPage, Rsvp
from subscribers.exports import EXCEL_BOM, neutralise
from subscribers.models import ListPermission
from subscribers.selectors import lists_user_can

# Fields only an administrator is shown (inspect) or given (export).
ADDRESS_FIELDS = {"email"}
TIME_FIELDS = {"created_at", "cancelled_at", "checked_in_at"}


class ReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in {"add", "change"}:
            return False
        # A "delete RSVP" model permission given to a group is not enough: deleting
        # bypasses the waitlist and the guest's messages, and is kept for erasure.
        if action == "delete" and not user.is_superuser:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def scoped_events(user):
    """Events whose guests ``user`` may see: those that offer a list they may view,
    or were sent (an alert about them, or the event itself) to such a list (all for
    administrators); the base of every RSVP and check-in screen. An event neither
    offering nor mailed to any list is an administrator's."""
    if user.is_superuser:
        return EventPage.objects.all()
    from campaigns.mailings.models import Mailing
    from cms.models import AlertPage

    lists = lists_user_can(user, ListPermission.Permission.VIEW)
    # A rally alert's event offers no list (its RSVP form would otherwise ask the
    # list's own people to join it): without this, the organizer who published the
    # rally could not see who is coming nor check anyone in at the door.
    mailed = Mailing.objects.filter(lists__in=lists).values("page_id")
    alerted = AlertPage.objects.filter(pk__in=mailed).values("event__translation_key")
    return EventPage.objects.filter(
        Q(rsvp_list__in=lists) | Q(pk__in=mailed) | Q(translation_key__in=alerted)
    )


def scoped_rsvps(user):
    """RSVPs to the events of ``scoped_events``; the base of every RSVP screen."""
    if user.is_superuser:
        return Rsvp.objects.all()
    return Rsvp.objects.filter(event__in=scoped_events(user))


def may_read_guest_addresses(user) -> bool:
    """Guests' addresses are for administrators: a list grant covers that list's
    subscribers, not everyone who came to an event offering it."""
    return user.is_superuser


def without_addresses(fields, user) -> list:
    if may_read_guest_addresses(user):
        return list(fields)
    return [field for field in fields if field not in ADDRESS_FIELDS]


class ZonedTimeColumn(Column):
    """A time with its zone ("Dec. 5, 2026, 1:24 p.m. CST"): the admin shows times
    in the account's zone, which may not be the city's, and a bare time said neither."""

    def __init__(self, name: str):
        label = capfirst(Rsvp._meta.get_field(name).verbose_name)
        super().__init__(name, label=label, sort_key=name)

    def get_value(self, instance):
        return with_zone(super().get_value(instance))


class RsvpIndexView(IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.list_export = without_addresses(self.list_export, request.user)

    def get_table_kwargs(self):
        # cms/static/css/admin.css: on a phone the table scrolls sideways within the
        # screen (the admin hides what runs off it) and names break between words.
        return {**super().get_table_kwargs(), "classname": "listing rsvp-listing"}

    def get_base_queryset(self):
        return scoped_rsvps(self.request.user).select_related("event")

    def stream_csv(self, queryset):
        # The rows stream after the view has returned, when the admin's language is
        # no longer active: the Arabic organizer's export had English headings and
        # statuses. So the language is taken now, and the lines made in it.
        language = translation.get_language()
        lines = super().stream_csv(queryset)

        def in_admin_language():
            with translation.override(language):
                # Guests' names in every script: Excel needs the mark to read UTF-8.
                # (Wagtail's writer yields bytes.)
                yield EXCEL_BOM.encode() + next(lines)
                yield from lines

        return in_admin_language()

    def get_heading(self, queryset, field):
        heading = super().get_heading(queryset, field)
        return with_zone_name(heading) if field in TIME_FIELDS else heading

    def preprocess_field_value(self, field, value, export_format):
        # The spreadsheet got the time in UTC ("22:08" for an RSVP at 4:08 p.m.),
        # the XLSX without a zone at all: the city's clock, as the heading says.
        if isinstance(value, datetime):
            local = timezone.localtime(value, city_zone())
            if export_format == self.FORMAT_CSV:
                return local.strftime("%Y-%m-%d %H:%M %Z")
            return local.replace(tzinfo=None, microsecond=0)
        value = super().preprocess_field_value(field, value, export_format)
        # Names come from the public RSVP form: a spreadsheet must not run them.
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return neutralise(value)
        return value


class ScopedInspectView(InspectView):
    def get_fields(self):
        return without_addresses(super().get_fields(), self.request.user)

    def get_field_display_value(self, field_name, field):
        # Times with their zone, as in the list; an empty one is a dash, not "None".
        if field_name in TIME_FIELDS:
            value = getattr(self.object, field_name)
            return with_zone(value) if isinstance(value, datetime) else "-"
        return super().get_field_display_value(field_name, field)

    def get_object(self, queryset=None):
        return get_object_or_404(
            scoped_rsvps(self.request.user), pk=unquote(str(self.pk))
        )


class ScopedDeleteView(DeleteView):
    def get_queryset(self):
        return scoped_rsvps(self.request.user)

    def delete_action(self):
        # Through the guests' own path: a freed place goes to the waitlist, whose
        # first guest is told, and the places shown are refreshed.
        rsvps.delete_rsvp(rsvp_id=self.object.pk, delete=super().delete_action)


class ScopedHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return scoped_rsvps(self.request.user)


class RsvpViewSet(ModelViewSet):
    model = Rsvp
    index_view_class = RsvpIndexView
    # Every view that loads one RSVP loads it from the user's own events only.
    inspect_view_class = ScopedInspectView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    menu_label = _("RSVPs")
    icon = "date"
    add_to_admin_menu = True
    menu_order = 300
    list_display = [
        "event",
        "name",
        "status",
        "language",
        ZonedTimeColumn("created_at"),
        ZonedTimeColumn("checked_in_at"),
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
