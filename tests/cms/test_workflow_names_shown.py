"""The default workflow and its task named in the admin's language on the admin screens.

Found on the staff desk: the page's status side panel ("Sent to Moderator approval"),
the dashboard's moderation panels, the page's history and workflow history, and the
workflow report printed the default workflow's and task's stored name, typed once in
English, inside otherwise Arabic and Polish screens (cms/workflow_labels.py). A
workflow staff named themselves keeps their name, and the name stays stored as it was:
the workflow's edit form shows and saves it unchanged."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import TaskState, Workflow

from tests.cms.test_workflow_mail_language import NAME, translated
from tests.factories import build_bulletin, build_bulletin_index, staff_member

pytestmark = pytest.mark.django_db


def screen(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.content.decode()


def screens(page) -> dict[str, str]:
    return {
        "status side panel": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "dashboard": reverse("wagtailadmin_home"),
        "history": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "workflow history": reverse(
            "wagtailadmin_pages:workflow_history", args=[page.pk]
        ),
        "workflow history detail": reverse(
            "wagtailadmin_pages:workflow_history_detail",
            args=[page.pk, page.current_workflow_state.pk],
        ),
        "workflow report": reverse("wagtailadmin_reports:workflow"),
    }


@pytest.mark.parametrize("language", ["ar", "pl"])
def test_admin_screens_name_the_default_workflow_in_the_admins_language(
    client, home_page, language
):
    workflow = Workflow.objects.get(name=NAME)
    assert translated(language) != NAME, "the catalogue translates the name"
    staff = staff_member(language)
    bulletin = build_bulletin(build_bulletin_index(home_page))
    state = workflow.start(bulletin, staff)
    TaskState.objects.filter(pk=state.current_task_state.pk).update(
        started_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(staff)

    for where, url in screens(bulletin).items():
        html = screen(client, url)
        assert NAME not in html, where
        assert translated(language) in html, where

    with translation.override(language):
        sent = translation.gettext("Sent to %(task_name)s %(started_at)s")
    sent_to = re.escape(sent.split("%(task_name)s")[0] + translated(language))
    side_panel = screen(client, screens(bulletin)["status side panel"])
    assert re.search(sent_to, side_panel)
    # When, in words (Django's humanize): its catalogue too, not "5 minutes ago".
    assert "minutes ago" not in side_panel


def test_a_workflow_staff_named_keeps_its_name_in_the_report(client, home_page):
    workflow = Workflow.objects.get(name=NAME)
    workflow.name = "Zatwierdzenie dyrektorki"
    workflow.save()
    staff = staff_member("pl")
    bulletin = build_bulletin(build_bulletin_index(home_page))
    workflow.start(bulletin, staff)
    client.force_login(staff)

    html = screen(client, screens(bulletin)["workflow report"])

    assert "Zatwierdzenie dyrektorki" in html


def test_the_stored_name_is_edited_and_saved_as_it_is(client, home_page):
    workflow = Workflow.objects.get(name=NAME)
    client.force_login(staff_member("ar"))
    url = reverse("wagtailadmin_workflows:edit", args=[workflow.pk])

    html = screen(client, url)
    (value,) = re.findall(r'<input[^>]*name="name"[^>]*value="([^"]*)"', html)
    assert value == NAME

    workflow.deactivate()
    workflow.refresh_from_db()
    assert workflow.name == NAME
    assert Workflow.objects.filter(name=NAME).exists()
