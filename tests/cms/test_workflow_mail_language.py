"""Wagtail's moderation e-mails name the workflow and its task in each recipient's
language.

Found on the staff desk: the mails a submission, an approval and a request for changes
send (Wagtail's notifiers, each recipient's mail rendered in their own admin language)
pasted in the default workflow's and task's stored name, so an Arabic approver read
"Moderator approval" in the middle of an Arabic sentence and a Polish author the same
English words (cms/workflow_labels.py). Driven through the admin as two real users."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import Workflow
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.factories import build_bulletin, build_bulletin_index, staff_member

pytestmark = pytest.mark.django_db

NAME = "Moderator approval"


def translated(language: str) -> str:
    with translation.override(language):
        return translation.gettext(NAME)


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def submit(client, page):
    form = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": str(page.date),
            "summary": "",
            "body": streamfield([]),
            "action-submit": "submit",
        }
    )
    answer = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state is not None
    assert state.status == state.STATUS_IN_PROGRESS
    return state


def act(client, page, state, action: str):
    task_state = state.current_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]
    )
    answer = client.post(url, {"comment": ""})
    assert answer.status_code == 302, answer.content.decode()[-3000:]


@pytest.fixture
def people(home_page):
    assert Workflow.objects.get(name=NAME).active
    author, approver = staff_member("pl"), staff_member("ar")
    bulletin = build_bulletin(build_bulletin_index(home_page))
    for language in ("pl", "ar"):
        assert translated(language) != NAME, "the catalogue translates the name"
    return author, approver, bulletin


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_moderation_mails_name_the_workflow_in_the_recipients_language(
    client, people, action
):
    author, approver, bulletin = people
    client.force_login(author)
    mail.outbox.clear()

    state = submit(client, bulletin)

    asked = mails_to(approver)
    # The task's "submitted" mail and the workflow's, each once (no second,
    # English copy from a notifier of Wagtail's left connected).
    assert len(asked) == 2, [m.subject for m in asked]
    for message in asked:
        assert translated("ar") in message.subject + message.body
        assert NAME not in message.subject + message.body

    mail.outbox.clear()
    client.force_login(approver)
    act(client, bulletin, state, action)

    (answer,) = mails_to(author)
    text = answer.subject + answer.body
    assert translated("pl") in text
    assert NAME not in text
    assert "Moderators" not in text


def test_a_workflow_staff_named_keeps_its_name_in_the_mails(client, people):
    author, approver, bulletin = people
    workflow = Workflow.objects.get(name=NAME)
    workflow.name = "Rada redakcyjna"
    workflow.save()
    client.force_login(author)
    mail.outbox.clear()

    submit(client, bulletin)

    bodies = [m.body for m in mails_to(approver)]
    assert any("Rada redakcyjna" in body for body in bodies)
    # The task keeps the default name: translated all the same.
    assert all(NAME not in body for body in bodies)


def test_the_stored_names_stay_as_they_were(client, people):
    author, _, bulletin = people
    client.force_login(author)

    state = submit(client, bulletin)

    state.refresh_from_db()
    assert Workflow.objects.get(pk=state.workflow_id).name == NAME
    assert state.current_task_state.task.name == NAME
