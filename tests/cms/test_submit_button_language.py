"""The page editor's submit button in the staff member's language.

Found by the staff tester: Wagtail labels it "Submit to %(workflow_name)s", pasting in
the default workflow's name, data typed once in English, so a Spanish admin read
"Enviar a Moderator approval" and an Arabic one an English name inside a right-to-left
button (cms/workflow_labels.py). A workflow staff named themselves keeps their name."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Workflow

from tests.factories import (
    build_bulletin,
    build_bulletin_index,
    staff_member,
)

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<button[^>]*name="action-submit"[^>]*>(.*?)</button>', re.S)


def submit_label(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    (button,) = BUTTON.findall(response.content.decode())
    return html.unescape(re.sub(r"<svg.*?</svg>", "", button, flags=re.S)).strip()


def default_workflow() -> Workflow:
    # Wagtail's migration makes it (on the root page); cms/migrations/0013 names it.
    return Workflow.objects.get(name="Moderator approval")


@pytest.mark.parametrize("language", ["es", "ar", "pl", "zh-hans", "hi"])
def test_the_submit_button_names_no_english_workflow(client, home_page, language):
    assert default_workflow().active
    bulletin = build_bulletin(build_bulletin_index(home_page))
    client.force_login(staff_member(language))

    edit = submit_label(client, reverse("wagtailadmin_pages:edit", args=[bulletin.pk]))
    add = submit_label(
        client,
        reverse(
            "wagtailadmin_pages:add",
            args=["cms", "bulletinpage", bulletin.get_parent().pk],
        ),
    )

    with translation.override(language):
        expected = translation.gettext("Submit for approval")
    assert edit == expected
    assert add == expected
    assert "Moderator" not in edit + add


def test_a_page_sent_back_is_resubmitted_in_the_staff_members_language(
    client, home_page
):
    bulletin = build_bulletin(build_bulletin_index(home_page))
    author = staff_member("es")
    state = default_workflow().start(bulletin, author)
    state.current_task_state.task.specific.on_action(
        state.current_task_state, author, "reject"
    )
    client.force_login(author)

    label = submit_label(client, reverse("wagtailadmin_pages:edit", args=[bulletin.pk]))

    with translation.override("es"):
        assert label == translation.gettext("Resubmit for approval")
    assert "Moderator" not in label


def test_a_workflow_staff_named_keeps_its_name(client, home_page):
    workflow = default_workflow()
    workflow.name = "Aprobación de la directora"
    workflow.save()
    bulletin = build_bulletin(build_bulletin_index(home_page))
    client.force_login(staff_member("es"))

    label = submit_label(client, reverse("wagtailadmin_pages:edit", args=[bulletin.pk]))

    assert "Aprobación de la directora" in label
