from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from .models import ListPermission, MailingList, Subscription
from .permissions import ListScopedPolicy, SubscriptionPolicy
from .selectors import lists_user_can
from .viewsets import mailing_list_viewset, subscription_viewset, suppression_viewset

register_permission_policy(MailingList, ListScopedPolicy(MailingList), exact_class=True)
register_permission_policy(
    Subscription, SubscriptionPolicy(Subscription), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_subscriber_viewsets():
    return [mailing_list_viewset, subscription_viewset, suppression_viewset]


@hooks.register("register_group_permission_panel")
def register_list_permissions_panel():
    from .group_permissions import ListPermissionsPanelForm

    return ListPermissionsPanelForm


@hooks.register("register_admin_urls")
def register_signups_report_urls():
    from django.urls import path

    from .report_views import SignupsReportView, signups_chart

    return [
        path(
            "reports/signups/",
            SignupsReportView.as_view(),
            name="subscribers_signups_report",
        ),
        path(
            "reports/signups/chart.svg", signups_chart, name="subscribers_signups_chart"
        ),
    ]


class _ListViewersMenuItem(MenuItem):
    def is_shown(self, request):
        return lists_user_can(request.user, ListPermission.Permission.VIEW).exists()


@hooks.register("register_reports_menu_item")
def register_signups_report_menu_item():
    return _ListViewersMenuItem(
        _("Signups per list"),
        reverse("subscribers_signups_report"),
        icon_name="user",
        order=800,
    )


class SignupsPanel(Component):
    """This week's signups per list the user may see, on the Wagtail dashboard."""

    name = "signups_this_week"
    order = 60
    template_name = "subscribers/admin/signups_panel.html"

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows}


@hooks.register("construct_homepage_panels")
def add_signups_panel(request, panels):
    from .selectors import signups_this_week

    lists = lists_user_can(request.user, ListPermission.Permission.VIEW)
    if lists.exists():
        panels.append(SignupsPanel(signups_this_week(lists)))
