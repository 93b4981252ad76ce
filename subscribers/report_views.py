"""Admin report: confirmed signups per list, week by week (a chart and its table)."""

from django.core.exceptions import PermissionDenied
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cms import charts
from cms.admin_ui import AdminScreenMixin

from .models import ListPermission
from .selectors import lists_user_can, signups_per_week

WEEKS = 12


def _visible_lists(user):
    lists = lists_user_can(user, ListPermission.Permission.VIEW)
    if not lists.exists():
        raise PermissionDenied
    return lists


def week_label(start) -> str:
    return formats.date_format(start, "MONTH_DAY_FORMAT")


class SignupsReportView(AdminScreenMixin, TemplateView):
    page_title = gettext_lazy("Signups per list")
    header_icon = "user"
    template_name = "subscribers/admin/signups_report.html"

    def dispatch(self, request, *args, **kwargs):
        self.lists = _visible_lists(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = signups_per_week(self.lists, weeks=WEEKS)
        context.update(
            weeks=[week_label(start) for start in data["weeks"]],
            rows=[
                (mailing_list, counts, sum(counts))
                for mailing_list, counts in data["lists"]
            ],
            week_count=WEEKS,
        )
        return context


def signups_chart(request):
    """Confirmed signups per list per week, the last twelve weeks up to this one
    (``?narrow=1``: the phone's version)."""
    data = signups_per_week(_visible_lists(request.user), weeks=WEEKS)
    chart = charts.bar_chart(
        title=_("Confirmed signups per week, by list"),
        labels=[week_label(start) for start in data["weeks"]],
        series=[(mailing_list.name, counts) for mailing_list, counts in data["lists"]],
        y_title=_("People"),
        x_title=_("Week starting"),
        narrow=request.GET.get("narrow") == "1",
    )
    return charts.svg_response(chart)
