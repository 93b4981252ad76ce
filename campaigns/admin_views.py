"""Admin report per campaign: counters, count over time with milestones, ZIPs, CSV."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns import selectors
from campaigns.models import Campaign, Counter, Milestone

VIEW_PERMISSIONS = ("campaigns.view_campaign", "campaigns.change_campaign")
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 240, 32
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _check(user) -> None:
    if not any(user.has_perm(name) for name in VIEW_PERMISSIONS):
        raise PermissionDenied


def chart(points: list[tuple], milestones: list[Milestone]) -> dict | None:
    """SVG coordinates for the count over time, with each milestone marked on it."""
    if not points:
        return None
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1)
    top = max(points[-1][1], *(m.threshold for m in milestones), 1)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def xy(when, value) -> tuple[float, float]:
        offset = min(max((when - start).total_seconds(), 0), span)
        x = CHART_PAD + inner_w * offset / span
        y = CHART_HEIGHT - CHART_PAD - inner_h * value / top
        return round(x, 1), round(y, 1)

    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "polyline": " ".join(f"{x},{y}" for x, y in (xy(*p) for p in points)),
        "marks": [
            {
                "milestone": m,
                "x": xy(m.reached_at, m.threshold)[0],
                "y": xy(m.reached_at, m.threshold)[1],
            }
            for m in milestones
        ],
        "start": start,
        "end": end,
        "top": top,
    }


class CampaignReportView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    template_name = "campaigns/admin/report.html"
    page_title = gettext_lazy("Campaign report")

    def dispatch(self, request, *args, **kwargs):
        _check(request.user)
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.campaign.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("campaigns_admin:index"), "label": _("Campaigns")},
            {"url": "", "label": self.campaign.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        counters = {
            kind: selectors.counter_value(campaign_id=campaign.pk, kind=kind)
            for kind in Counter.Kind.values
        }
        milestones = list(
            Milestone.objects.filter(campaign=campaign).order_by("reached_at")
        )
        signature_milestones = [
            m for m in milestones if m.counter == Counter.Kind.SIGNATURES
        ]
        context.update(
            campaign=campaign,
            counters=[
                {"label": label, "value": counters[kind]}
                for kind, label in Counter.Kind.choices
            ],
            goal=campaign.goal_for(counters[Counter.Kind.SIGNATURES]),
            milestones=milestones,
            chart=chart(
                selectors.count_over_time(campaign_id=campaign.pk),
                signature_milestones,
            ),
            by_zip=selectors.signatures_by_zip(campaign_id=campaign.pk)[:50],
            export_url=reverse("campaigns_admin:export_signatures", args=[campaign.pk]),
        )
        return context


def formula_safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class _Echo:
    def write(self, value):
        return value


def export_signatures(request, pk: int):
    """Counted signatures as CSV for delivery to the target: name, ZIP, date; no e-mails."""
    _check(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow([_("Name"), _("ZIP code"), _("Signed at")])
        signatures = selectors.counted_signatures(campaign_id=campaign.pk).only(
            "name", "zip_code", "verified_at"
        )
        for signature in signatures.iterator(chunk_size=500):
            when = timezone.localtime(signature.verified_at)
            yield writer.writerow(
                [
                    formula_safe(signature.name or ""),
                    formula_safe(signature.zip_code),
                    when.strftime("%Y-%m-%d %H:%M"),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(campaign.slug) or 'campaign'}-signatures.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
