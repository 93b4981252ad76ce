"""The default workflow's name (cms migration 0013): Wagtail's migration calls it and
its task "Moderators approval", which staff read on the page editor's button ("Submit
to Moderators approval"). Upgrading names both "Moderator approval"; a workflow or task
staff renamed keeps their name, and going back changes nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import GroupApprovalTask, Task, Workflow

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("cms", "0012_document_language_staff_labels")
AFTER = ("cms", "0013_moderator_approval_name")


def workflow(name: str, task_name: str) -> tuple[int, int]:
    """A workflow of one group approval task, as Wagtail's migration 0048 makes it:
    the workflow's and the task's ids."""
    task = GroupApprovalTask.objects.create(
        name=task_name,
        content_type=ContentType.objects.get_for_model(GroupApprovalTask),
    )
    made = Workflow.objects.create(name=name)
    made.workflow_tasks.create(task=task, sort_order=0)
    return made.pk, task.pk


def names(workflow_and_task: tuple[int, int]) -> tuple[str, str]:
    workflow_id, task_id = workflow_and_task
    return (
        Workflow.objects.get(pk=workflow_id).name,
        Task.objects.get(pk=task_id).name,
    )


def test_wagtails_name_is_corrected_and_staffs_own_names_are_kept():
    try:
        migrate(BEFORE)
        default = workflow("Moderators approval", "Moderators approval")
        renamed = workflow("Approval by the ONA director", "Moderators approval")
        own = workflow("Legal team review", "Legal team review")
        migrate(AFTER)
        upgraded = [names(default), names(renamed), names(own)]
        migrate(BEFORE)
        went_back = [names(default), names(renamed), names(own)]
    finally:
        migrate_to_latest()

    assert upgraded == [
        ("Moderator approval", "Moderator approval"),
        ("Approval by the ONA director", "Moderator approval"),
        ("Legal team review", "Legal team review"),
    ]
    assert went_back == upgraded
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
