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
translated one, evaluated as each recipient's mail is rendered.

The admin's own screens printed it too, in Wagtail's templates: the page's status side
panel, the dashboard's moderation panels, the workflow history and the workflow report
("Sent to Moderator approval" in an Arabic panel). Rather than copy those templates,
the default workflow and task come out of the database with a name that is the stored
one as a string (forms, saves, JSON and the log keep "Moderator approval") and the
translated one wherever a template escapes it into HTML (``DefaultName``,
``name_in_admin_language``). What Wagtail formats in Python gets the same name: the
side panel's "Sent to ..." line (``status_with_date``) and the history's messages,
built from the names the log stored (``HistoryInOwnWords``)."""

import copy

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db.models.signals import post_init
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import mail
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import Task, TaskState, Workflow, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)
from wagtail.workflows import get_concrete_descendants

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


class DefaultName(str):
    """The default workflow's or task's stored name, translated only as HTML: Django's
    templates escape a value through its ``__html__``, while ``str()``, a form's
    field, the database and JSON see the stored text (so nobody saves a translation
    over it)."""

    __slots__ = ()

    def __html__(self):
        return escape(_("Moderator approval"))


def name_in_admin_language(sender, instance, **kwargs):
    """post_init: the default workflow or task, as loaded, gets a DefaultName."""
    if instance.__dict__.get("name") == DEFAULT_NAME:
        instance.name = DefaultName(DEFAULT_NAME)


def status_with_date(workflow_state):
    """Wagtail's workflow_status_with_date tag, the task named as ``shown``."""
    task_state = workflow_state.current_task_state
    context = {
        "finished_at": naturaltime(task_state.finished_at),
        "started_at": naturaltime(task_state.started_at),
        "task_name": shown(task_state.task).name,
        "status_display": workflow_state.get_status_display,
    }
    if workflow_state.status == "needs_changes":
        return _("Changes requested %(finished_at)s") % context
    if workflow_state.status == "in_progress":
        return _("Sent to %(task_name)s %(started_at)s") % context
    return _("%(status_display)s %(task_name)s %(started_at)s") % context


def _titled(item):
    """A workflow or task as the log stored it ({"id", "title"}), the default one's
    title translated."""
    if isinstance(item, dict) and item.get("title") == DEFAULT_NAME:
        return {**item, "title": _("Moderator approval")}
    return item


class HistoryInOwnWords:
    """A Wagtail workflow log formatter whose messages name the default workflow and
    task in the reader's language: the log stored their names when it was written."""

    def __init__(self, formatter):
        self.formatter = formatter
        self.label = formatter.label

    def format_message(self, log_entry):
        data = log_entry.data
        logged = data.get("workflow") if isinstance(data, dict) else None
        if not isinstance(logged, dict):
            return self.formatter.format_message(log_entry)
        entry = copy.copy(log_entry)
        entry.data = {
            **data,
            "workflow": _titled({key: _titled(item) for key, item in logged.items()}),
        }
        return self.formatter.format_message(entry)

    def format_comment(self, log_entry):
        return self.formatter.format_comment(log_entry)


WORKFLOW_LOG_ACTIONS = (
    "wagtail.workflow.start",
    "wagtail.workflow.approve",
    "wagtail.workflow.reject",
    "wagtail.workflow.resume",
    "wagtail.workflow.cancel",
)


def history_in_own_words(actions):
    """register_log_actions, after Wagtail's: its workflow formatters wrapped."""
    for action in WORKFLOW_LOG_ACTIONS:
        if action in actions.formatters:
            actions.formatters[action] = HistoryInOwnWords(actions.formatters[action])


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
    for model in (Workflow, *get_concrete_descendants(Task)):
        post_init.connect(name_in_admin_language, sender=model)
    wagtailadmin_tags.register.simple_tag(
        status_with_date, name="workflow_status_with_date"
    )


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
