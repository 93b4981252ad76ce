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


@hooks.register("register_admin_urls")
def register_email_preview_urls():
    from cms import email_preview_urls

    return [
        path(
            "email-preview/", include(email_preview_urls, namespace="cms_email_preview")
        )
    ]


@hooks.register("register_page_header_buttons")
def email_preview_button(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    from cms.models import MailablePageMixin

    model = page.specific_class
    if model is not None and issubclass(model, MailablePageMixin):
        yield Button(
            _("E-mail preview and test"),
            reverse("cms_email_preview:preview", args=[page.pk]),
            icon_name="mail",
            priority=25,
        )


@hooks.register("register_admin_urls")
def register_operations_urls():
    from cms.operations_views import OperationsView

    return [path("operations/", OperationsView.as_view(), name="cms_operations")]


class OperationsMenuItem(MenuItem):
    def is_shown(self, request):
        from cms.operations_views import VIEW_OPERATIONS

        return request.user.has_perm(VIEW_OPERATIONS)


@hooks.register("register_admin_menu_item")
def register_operations_menu_item():
    return OperationsMenuItem(
        _("Queues and health"),
        reverse("cms_operations"),
        icon_name="tasks",
        order=10001,
    )


@hooks.register("after_edit_page")
def clear_machine_draft_mark(request, page):
    """A person saved the page in the editor: it is no longer a machine draft."""
    from cms.machine_translation import clear_machine_draft

    clear_machine_draft(page)


@hooks.register("register_rich_text_features", order=100)
def register_reader_page_links(features):
    """Page links in rich text keep the reader's language prefix (after Wagtail's own)."""
    from cms.rich_text import ReaderPageLinkHandler

    features.register_link_type(ReaderPageLinkHandler)
