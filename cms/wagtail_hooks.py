from django.conf import settings
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms import admin_urls
from cms.admin_views import BROWSE_OUTBOX


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/", include(admin_urls, namespace="cms_outbox"))]


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(BROWSE_OUTBOX)


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    label = (
        _("E-mail outbox") if settings.EMAIL_PROVIDER == "outbox" else _("Test e-mail")
    )
    return OutboxMenuItem(
        label, reverse("cms_outbox:index"), icon_name="mail", order=10000
    )
