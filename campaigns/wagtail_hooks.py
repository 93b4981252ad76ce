from wagtail import hooks
from wagtail.admin.ui.components import Component

from campaigns.viewsets import campaign_viewset


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return campaign_viewset


class MilestonesPanel(Component):
    """Campaigns nearest their next signature milestone, on the Wagtail dashboard."""

    name = "next_milestones"
    order = 70
    template_name = "campaigns/admin/milestones_panel.html"

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows}


@hooks.register("construct_homepage_panels")
def add_milestones_panel(request, panels):
    from campaigns.admin_views import VIEW_PERMISSIONS
    from campaigns.selectors import nearest_milestones

    if not any(request.user.has_perm(name) for name in VIEW_PERMISSIONS):
        return
    rows = nearest_milestones()
    if rows:
        panels.append(MilestonesPanel(rows))
