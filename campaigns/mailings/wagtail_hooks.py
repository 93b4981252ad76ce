from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from campaigns.mailings import admin_urls
from campaigns.mailings.admin_views import (
    create_url_for,
    local_datetime,
    sendable_lists,
    when_sent,
)
from campaigns.mailings.selectors import sends_about_page


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


def send_as_mailing_url(page, user) -> str | None:
    """Where "Send as mailing" goes for this page and user, if they may send it."""
    if page.live and page.depth > 1 and sendable_lists(user).exists():
        return create_url_for(page.pk)
    return None


def _send_as_mailing_buttons(page, user, **kwargs):
    from wagtail.admin.widgets import Button

    url = send_as_mailing_url(page, user)
    if url:
        yield Button(_("Send as mailing"), url, icon_name="mail", priority=40)


@hooks.register("register_page_header_buttons")
def page_header_send_button(page, user, view_name=None, next_url=None):
    # The editor shows it as a primary header button (cms/templatetags/admin_tags.py).
    if view_name != "edit":
        yield from _send_as_mailing_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_send_button(page, user, next_url=None, **kwargs):
    yield from _send_as_mailing_buttons(page, user)


@hooks.register("register_admin_menu_item")
def register_rally_alert_menu_item():
    return SendersMenuItem(
        _("Rally alert"),
        reverse("campaigns_mailings:rally_alert"),
        icon_name="warning",
        order=240,
    )


def _send_as_alert_buttons(page, user):
    from wagtail.admin.widgets import Button

    from events.models import EventPage

    if page.live and page.specific_class is EventPage and sendable_lists(user).exists():
        yield Button(
            _("Send as alert"),
            reverse("campaigns_mailings:event_alert", args=[page.pk]),
            icon_name="warning",
            priority=41,
        )


@hooks.register("register_page_header_buttons")
def page_header_alert_button(page, user, view_name=None, next_url=None):
    yield from _send_as_alert_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_alert_button(page, user, next_url=None, **kwargs):
    yield from _send_as_alert_buttons(page, user)


class PendingAlertsPanel(Component):
    """Held alerts this user may approve, on their Wagtail dashboard."""

    name = "pending_alerts"
    order = 30
    template_name = "campaigns/admin/pending_alerts_panel.html"

    def __init__(self, alerts):
        self.alerts = alerts

    def get_context_data(self, parent_context):
        return {"alerts": self.alerts}


class SendsPanel(Component):
    """Mailings sending or scheduled, with progress bars, on the Wagtail dashboard."""

    name = "sends_in_progress"
    order = 40
    template_name = "campaigns/admin/sends_panel.html"

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows}


@hooks.register("construct_homepage_panels")
def add_sends_panel(request, panels):
    from campaigns.mailings.admin_views import visible_mailings
    from campaigns.mailings.selectors import sends_in_progress

    if not sendable_lists(request.user).exists():
        return
    rows = sends_in_progress(visible_mailings(request.user))
    if rows:
        panels.append(SendsPanel(rows))


@hooks.register("construct_homepage_panels")
def add_pending_alerts_panel(request, panels):
    from campaigns.mailings.services.alerts import pending_approvals

    held = pending_approvals(request.user)
    if held:
        panels.append(PendingAlertsPanel(held))


@hooks.register("register_page_editor_primary_buttons")
def send_as_mailing_primary_button(page, user):
    from cms.models import MailablePageMixin

    url = send_as_mailing_url(page, user)
    if url and issubclass(page.specific_class or object, MailablePageMixin):
        yield (20, _("Send as mailing"), url, "mail")


@hooks.register("after_publish_page")
def offer_to_send_after_publishing(request, page):
    """Publishing a bulletin is usually the step before sending it: offer that next."""
    from wagtail.admin import messages

    from cms.models import MailablePageMixin

    url = send_as_mailing_url(page, request.user)
    if not url or not isinstance(page.specific, MailablePageMixin):
        return
    latest = sends_about_page(page).last()
    if latest is None:
        messages.success(
            request,
            _("“%(title)s” is live. Send it to your lists?") % {"title": page.title},
            buttons=[messages.button(url, _("Send as mailing"))],
        )
        return
    # Not an invitation: another send would reach the same readers twice. The editor's
    # "Send as mailing" button stays for a send to other lists (its review names
    # the earlier sends).
    if latest.status == latest.Status.SCHEDULED:
        said = _(
            "“%(title)s” is live. It is already scheduled as a mailing for %(date)s."
        )
    else:
        said = _("“%(title)s” is live. It already went out as a mailing on %(date)s.")
    messages.success(
        request, said % {"title": page.title, "date": local_datetime(when_sent(latest))}
    )
