"""Admin viewsets for campaigns: the editing screens plus each campaign's report."""

from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns import admin_views
from campaigns.admin_forms import ThresholdsField
from campaigns.models import Campaign
from cms import url_converters  # noqa: F401 - registers <id:...>
from cms.admin_ui import CopyFormView


class CampaignViewSet(ModelViewSet):
    model = Campaign
    icon = "tasks"
    menu_label = _("Campaigns")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "campaigns"
    url_namespace = "campaigns_admin"
    copy_view_class = CopyFormView
    form_fields = [
        "name",
        "slug",
        "description",
        "goal",
        "milestone_thresholds",
        "lead_emails",
        "default_lists",
    ]
    list_display = [
        TitleColumn(
            "name",
            label=_("Name"),
            get_url=lambda campaign: reverse(
                "campaigns_admin:edit", args=[campaign.pk]
            ),
        ),
        Column("goal", label=_("Goal")),
        TitleColumn(
            "report",
            label=_("Report"),
            accessor=lambda campaign: _("Counters and signatures"),
            get_url=lambda campaign: reverse(
                "campaigns_admin:report", args=[campaign.pk]
            ),
        ),
    ]
    search_fields = ["name", "description"]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "milestone_thresholds":
            # Typed as "10, 25, 50", not as JSON; the model field stays as it is.
            # The model's default goes in as the initial value, as Django's own
            # formfield() does: without it "Add campaign" showed an empty, required
            # field and the lead had to type the thresholds the design prescribes.
            kwargs.setdefault("initial", db_field.default)
            return ThresholdsField(label=capfirst(db_field.verbose_name), **kwargs)
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "report/<id:pk>/",
                admin_views.CampaignReportView.as_view(),
                name="report",
            ),
            path(
                "report/<id:pk>/signatures.svg",
                admin_views.signatures_chart,
                name="signatures_chart",
            ),
            path(
                "report/<id:pk>/signatures.csv",
                admin_views.export_signatures,
                name="export_signatures",
            ),
        ]


campaign_viewset = CampaignViewSet("campaigns")
