"""The page editor's submit button in the staff member's own words.

Wagtail labels it "Submit to %(workflow_name)s" (and "Resubmit to %(task_name)s" after
changes were asked for), pasting in the workflow's or task's name: data, typed once in
English. A Spanish admin read "Enviar a Moderator approval", an Arabic one an English
name in the middle of a right-to-left button, and a Polish one a name that the
preposition before it wants in another case. The default workflow and its task (named
by cms/migrations/0013) get a whole sentence through gettext instead; a workflow or
task that staff named themselves keeps Wagtail's label with their name, as they wrote
it."""

from django.utils.translation import gettext as _
from wagtail.admin.action_menu import SubmitForModerationMenuItem

# The default workflow's and its task's name (cms/migrations/0013).
DEFAULT_NAME = "Moderator approval"


class SubmitForApprovalMenuItem(SubmitForModerationMenuItem):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page else None
        if state and state.status == state.STATUS_NEEDS_CHANGES:
            if state.current_task_state.task.name == DEFAULT_NAME:
                context["label"] = _("Resubmit for approval")
            return context
        # A page being created goes through its parent's workflow.
        workflow_page = page if page and page.pk else context["parent_page"]
        workflow = workflow_page.get_workflow()
        if workflow and workflow.name == DEFAULT_NAME:
            context["label"] = _("Submit for approval")
        return context


def use_own_submit_label(menu_items, request, context):
    """construct_page_action_menu: Wagtail's submit item replaced by ours, in place."""
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = SubmitForApprovalMenuItem(order=item.order)
