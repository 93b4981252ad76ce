from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from campaigns.mailings import admin_urls
from campaigns.mailings.admin_views import create_url_for, sendable_lists


@hooks.register("register_admin_urls")
def register_mailing_urls():
    return [path("mailings/", include(admin_urls, namespace="campaigns_mailings"))]


class SendersMenuItem(MenuItem):
    def is_shown(self, request):
        return sendable_lists(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_mailings_menu_item():
    return SendersMenuItem(
        _("Mailings"), reverse("campaigns_mailings:index"), icon_name="mail", order=250
    )


def _send_as_mailing_buttons(page, user, **kwargs):
    from wagtail.admin.widgets import Button

    if page.live and page.depth > 1 and sendable_lists(user).exists():
        yield Button(
            _("Send as mailing"),
            create_url_for(page.pk),
            icon_name="mail",
            priority=40,
        )


@hooks.register("register_page_header_buttons")
def page_header_send_button(page, user, view_name=None, next_url=None):
    yield from _send_as_mailing_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_send_button(page, user, next_url=None, **kwargs):
    yield from _send_as_mailing_buttons(page, user)
