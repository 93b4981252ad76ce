"""Admin screen: queue depths per lane and the health of the services behind them."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

VIEW_OPERATIONS = "cms.view_operations"
LANE_LABELS = {
    "alerts": gettext_lazy("Alerts (priority lane)"),
    "bulk": gettext_lazy("Bulletins (bulk lane)"),
    "default": gettext_lazy("Everything else (confirmations, RSVPs, upkeep)"),
}
CHECK_LABELS = {
    "database": gettext_lazy("Database"),
    "cache": gettext_lazy("Cache"),
    "broker": gettext_lazy("Message broker"),
    "beat": gettext_lazy("Scheduler (beat) and default worker"),
    "bulk_lane": gettext_lazy("Bulk lane worker"),
    "alerts_lane": gettext_lazy("Alerts lane worker"),
    "mailings": gettext_lazy("Mailings moving"),
}


class OperationsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Queues and health")
    header_icon = "tasks"
    template_name = "cms/admin/operations.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_OPERATIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from campaigns.mailings.selectors import (
            deliveries_waiting_by_lane,
            mailings_without_progress,
        )
        from cms.health import run_health_checks
        from cms.queues import queue_depths

        context = super().get_context_data(**kwargs)
        try:
            depths, broker_error = queue_depths(), ""
        except Exception as error:  # noqa: BLE001 - show the outage, do not 500
            depths, broker_error = {}, type(error).__name__
        waiting = deliveries_waiting_by_lane()
        context["lanes"] = [
            {
                "name": name,
                "label": LANE_LABELS[name],
                "tasks": depths.get(name),
                "deliveries": waiting.get(name, 0),
            }
            for name in ("alerts", "bulk", "default")
        ]
        context["broker_error"] = broker_error
        context["stuck_mailings"] = mailings_without_progress()
        report = run_health_checks()
        context["checks"] = [
            {
                "label": CHECK_LABELS[name],
                "ok": result["ok"],
                "detail": _describe(result),
            }
            for name, result in report["checks"].items()
        ]
        return context


def _describe(result: dict) -> str:
    if result.get("error") == "no heartbeat yet":
        return _("no heartbeat yet")
    if "stuck" in result:
        return ngettext(
            "%(count)s mailing without progress",
            "%(count)s mailings without progress",
            result["stuck"],
        ) % {"count": result["stuck"]}
    if "age_seconds" in result:
        return _("last heartbeat %(seconds)s s ago") % {
            "seconds": result["age_seconds"]
        }
    if not result["ok"]:
        return result.get("error", "")
    return _("%(ms)s ms") % {"ms": result["ms"]}
