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

from campaigns import selectors
from campaigns.mailings.admin_views import visible_mailings
from campaigns.mailings.selectors import handed_over_by_mailing
from campaigns.models import Campaign, Counter, Milestone
from cms.admin_ui import AdminScreenMixin
from cms.local_time import city_zone, local_time_name, with_zone_name
from subscribers.exports import EXCEL_BOM, neutralise

VIEW_PERMISSIONS = ("campaigns.view_campaign", "campaigns.change_campaign")


def may_read_reports(user) -> bool:
    return any(user.has_perm(name) for name in VIEW_PERMISSIONS)


def _check(user) -> None:
    if not may_read_reports(user):
        raise PermissionDenied


class CampaignReportView(AdminScreenMixin, TemplateView):
    header_icon = "tasks"
    template_name = "campaigns/admin/report.html"
    page_title = gettext_lazy("Campaign report")

    def dispatch(self, request, *args, **kwargs):
        _check(request.user)
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.campaign.name

    def get_parent_crumbs(self):
        return [(_("Campaigns"), reverse("campaigns_admin:index"))]

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
        mailings = visible_mailings(self.request.user, campaign=campaign)
        sent = handed_over_by_mailing(mailing.pk for mailing in mailings)
        context.update(
            campaign=campaign,
            counters=[
                {"label": label, "value": counters[kind]}
                for kind, label in Counter.Kind.choices
            ],
            goal=campaign.goal_for(counters[Counter.Kind.SIGNATURES]),
            milestones=milestones,
            # The milestone times are on the city's clock, named as the e-mails name it.
            time_name=local_time_name(),
            has_signatures=counters[Counter.Kind.SIGNATURES] > 0,
            chart_url=reverse("campaigns_admin:signatures_chart", args=[campaign.pk]),
            by_zip=selectors.signatures_by_zip(campaign_id=campaign.pk)[:50],
            export_url=reverse("campaigns_admin:export_signatures", args=[campaign.pk]),
            mailings=[
                {"mailing": mailing, "sent": sent.get(mailing.pk, 0)}
                for mailing in mailings
            ],
        )
        return context


def signatures_chart(request, pk: int):
    """The report's chart: signatures over time with milestones, as an SVG image."""
    from campaigns.charts import signatures_over_time
    from cms.charts import svg_response

    _check(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    narrow = request.GET.get("narrow") == "1"
    return svg_response(signatures_over_time(campaign, narrow=narrow))


class _Echo:
    def write(self, value):
        return value


def export_signatures(request, pk: int):
    """Counted signatures as CSV for delivery to the target: name, ZIP, date; no e-mails."""
    _check(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    writer = csv.writer(_Echo())
    # The times below are the city's clock, whatever zone the viewer chose; the
    # heading says which, as the report's and the guest export's do. Written here:
    # the rows stream after the view returns, out of the admin's language.
    heading = [_("Name"), _("ZIP code"), with_zone_name(_("Signed at"))]

    def rows():
        yield EXCEL_BOM + writer.writerow(heading)
        signatures = selectors.counted_signatures(campaign_id=campaign.pk).only(
            "name", "zip_code", "verified_at"
        )
        for signature in signatures.iterator(chunk_size=500):
            when = timezone.localtime(signature.verified_at, city_zone())
            yield writer.writerow(
                [
                    neutralise(signature.name),
                    neutralise(signature.zip_code),
                    when.strftime("%Y-%m-%d %H:%M"),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(campaign.slug) or 'campaign'}-signatures.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
