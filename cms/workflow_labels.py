"""The page editor's submit button in the staff member's own words.

Wagtail labels it "Submit to %(workflow_name)s" (and "Resubmit to %(task_name)s" after
changes were asked for), pasting in the workflow's or task's name: data, typed once in
English. A Spanish admin read "Enviar a Moderator approval", an Arabic one an English
name in the middle of a right-to-left button, and a Polish one a name that the
preposition before it wants in another case. The default workflow and its task (named
by cms/migrations/0013) get a whole sentence through gettext instead; a workflow or
task that staff named themselves keeps Wagtail's label with their name, as they wrote
it.

The same name reached every moderation e-mail (submitted, approved, changes
requested): Wagtail's notifiers put the workflow and its task in the template context
and the templates print ``workflow.name`` and ``task.name``. Each recipient's mail is
rendered in their own admin language (wagtail.admin.mail.EmailNotificationMixin), yet
an Arabic approver read "Moderator approval" inside an Arabic sentence. Our notifiers
below (connected by ``connect``, cms.apps) hand the templates a copy whose name is the
translated one, evaluated as each recipient's mail is rendered."""

import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import mail
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

# The default workflow's and its task's name (cms/migrations/0013).
DEFAULT_NAME = "Moderator approval"


def shown(workflow_or_task):
    """The workflow or task as the templates may show it: the default one's name in
    the language active when it is printed, any other as staff named it. A copy:
    the instance Wagtail goes on using (and may save) keeps its stored name."""
    if workflow_or_task is None or workflow_or_task.name != DEFAULT_NAME:
        return workflow_or_task
    named = copy.copy(workflow_or_task)
    named.name = gettext_lazy("Moderator approval")
    return named


class _ShownNames:
    def get_context(self, instance, **kwargs):
        context = super().get_context(instance, **kwargs)
        for key in ("workflow", "task"):
            if key in context:
                context[key] = shown(context[key])
        return context


class TaskSubmittedNotifier(
    _ShownNames, mail.GroupApprovalTaskStateSubmissionEmailNotifier
):
    pass


class WorkflowSubmittedNotifier(_ShownNames, mail.WorkflowStateSubmissionEmailNotifier):
    pass


class WorkflowApprovedNotifier(_ShownNames, mail.WorkflowStateApprovalEmailNotifier):
    pass


class WorkflowRejectedNotifier(_ShownNames, mail.WorkflowStateRejectionEmailNotifier):
    pass


# Wagtail's own signal, sender and dispatch_uid for each (wagtail.admin.signal_handlers).
_NOTIFIERS = (
    (task_submitted, TaskState, TaskSubmittedNotifier(),
     "group_approval_task_submitted_email_notification"),
    (workflow_submitted, WorkflowState, WorkflowSubmittedNotifier(),
     "workflow_state_submitted_email_notification"),
    (workflow_rejected, WorkflowState, WorkflowRejectedNotifier(),
     "workflow_state_rejected_email_notification"),
    (workflow_approved, WorkflowState, WorkflowApprovedNotifier(),
     "workflow_state_approved_email_notification"),
)  # fmt: skip


def connect():
    """Ours in place of Wagtail's notifiers. A signal keeps the first receiver
    connected under a dispatch_uid and ignores a later one under the same: cms comes
    before wagtail.admin in INSTALLED_APPS, so its ready() connects first and Wagtail's
    register_signal_handlers adds nothing (one mail per recipient, never two). Any
    receiver already there under the uid is replaced all the same."""
    for signal, sender, notifier, uid in _NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(notifier, sender=sender, dispatch_uid=uid)


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
