from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from events import admin_urls
from events.admin_views import PERMISSION
from events.viewsets import rsvp_viewset


@hooks.register("register_admin_viewset")
def register_rsvp_viewset():
    return rsvp_viewset


@hooks.register("register_admin_urls")
def register_check_in_urls():
    return [path("check-in/", include(admin_urls, namespace="events_checkin"))]


class CheckInMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_check_in_menu_item():
    return CheckInMenuItem(
        _("Check-in"),
        reverse("events_checkin:index"),
        icon_name="calendar-check",
        order=310,
    )


@hooks.register("register_page_header_buttons")
def page_header_check_in_button(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    from events.models import EventPage

    if (
        page.specific_class is EventPage
        and user.has_perm(PERMISSION)
        and page.specific.rsvp_mode == EventPage.RsvpMode.INTERNAL
    ):
        yield Button(
            _("Check-in list"),
            reverse("events_checkin:event", args=[page.pk]),
            icon_name="calendar-check",
            priority=42,
        )
