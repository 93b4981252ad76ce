"""Wagtail's page editor speaks the staff member's language when a save fails.

Wagtail 8.0's catalogues leave its validation banner, its "Go to the first error"
button and its autosave notes in English in Spanish, Chinese and Polish and have no
Hindi at all (cms/admin_messages.py carries them)."""

import html

import pytest
from django.urls import reverse

from tests.factories import (
    build_bulletin,
    build_bulletin_index,
    staff_member,
)

pytestmark = pytest.mark.django_db

ENGLISH = [
    "The page could not be saved due to validation errors.",
    "Go to the first error",
    "Autosave is paused",
]
SPANISH = [
    "No se pudo guardar la página porque hay errores en el formulario.",
    "Ir al primer error",
    "El guardado automático está en pausa",
]


def failed_publish(client, home_page, language: str) -> str:
    bulletin = build_bulletin(build_bulletin_index(home_page), summary="News.")
    client.force_login(staff_member(language))
    edit = reverse("wagtailadmin_pages:edit", args=[bulletin.pk])
    response = client.post(
        edit,
        {
            "title": "",
            "slug": bulletin.slug,
            "date": "2026-03-01",
            "body-count": "0",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 200, "the editor comes back with the errors"
    return html.unescape(response.content.decode())


def test_a_spanish_staff_member_is_told_in_spanish_why_the_page_did_not_save(
    client, home_page
):
    page = failed_publish(client, home_page, "es")
    for sentence in SPANISH:
        assert sentence in page
    for sentence in ENGLISH:
        assert sentence not in page


@pytest.mark.parametrize("language", ["es", "hi", "zh-hans", "ar", "pl"])
def test_the_editors_failure_notes_are_never_english(client, home_page, language):
    page = failed_publish(client, home_page, language)
    for sentence in ENGLISH:
        assert sentence not in page
    assert "<span>paused</span>" not in page, "Wagtail's Arabic kept the English word"
