from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from events import admin_urls
from events.admin_views import PERMISSION, may_check_in
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
        and page.specific.rsvp_mode == EventPage.RsvpMode.INTERNAL
        # Not to another list's event: its check-in list answers "not found".
        and may_check_in(user, page.specific.canonical())
    ):
        yield Button(
            _("Check-in list"),
            reverse("events_checkin:event", args=[page.pk]),
            icon_name="calendar-check",
            priority=42,
        )


# Set on the request by before_publish_page, read by after_publish_page: the count is
# taken before the publish, while the guests' last-told facts are still the old ones.
GUESTS_TO_TELL = "_events_guests_to_tell"


@hooks.register("before_publish_page")
def count_guests_a_publish_will_tell(request, page):
    from events.models import EventPage
    from events.notices import guests_to_tell

    event = page.specific if isinstance(page.specific, EventPage) else None
    if event is None or (event.go_live_at and event.go_live_at > timezone.now()):
        return  # not an event, or a scheduled publish (its guests are told then)
    setattr(request, GUESTS_TO_TELL, guests_to_tell(event))


@hooks.register("after_publish_page")
def say_how_many_guests_are_told(request, page):
    """Publishing a new time or place e-mails the event's guests at once (events.
    notices): say so, with how many, so nobody learns it from the guests."""
    from wagtail.admin import messages

    count = getattr(request, GUESTS_TO_TELL, 0)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s guest will be told about the change by e-mail.",
                "%(count)s guests will be told about the change by e-mail.",
                count,
            )
            % {"count": count},
        )
