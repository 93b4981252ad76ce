"""Shared pieces of the project's own admin screens."""

from django.urls import reverse
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CopyView


class AdminScreenMixin(WagtailAdminTemplateMixin):
    """A custom admin screen whose title is visible: Wagtail's slim header shows only
    the breadcrumbs (the h1 is for screen readers), so they end with the title."""

    def get_parent_crumbs(self) -> list[tuple[str, str]]:
        """(label, url) of the screens above this one, outermost first."""
        return []

    def get_breadcrumbs_items(self):
        parents = [
            {"url": url, "label": label} for label, url in self.get_parent_crumbs()
        ]
        return [
            *self.breadcrumbs_items,
            *parents,
            {"url": "", "label": self.get_header_title()},
        ]


def crumb(label, url_name: str, *args) -> tuple[str, str]:
    return (label, reverse(url_name, args=args))


class CopyFormView(CopyView):
    """Wagtail's copy screen, GET only. Its form posts to the add view; a POST to the
    copy URL itself would save the form onto the original row (Wagtail's CopyView
    hands the original to a create form), so it changes the row being "copied"."""

    http_method_names = ["get", "head", "options"]
