"""The dashboard, the page explorer and empty listings in the staff member's language.

Found by the staff tester's crawl of the admin in Spanish: Wagtail 8.0's Spanish and
Chinese catalogues leave the dashboard's "49 Pages", "Search all pages…" and "Wagtail
8.0.1 editor guide", the explorer's "Exploring" and every empty listing's "There are no
bloqueos to display. Why not add one?" in English (cms/admin_messages.py)."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import staff_member

pytestmark = pytest.mark.django_db

ENGLISH = ["Search all pages", "editor guide", "Pages", "created in", "Exploring"]


def visible(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    return html.unescape(text)


@pytest.mark.parametrize("language", ["es", "zh-hans"])
def test_the_dashboard_speaks_the_staff_members_language(client, home_page, language):
    client.force_login(staff_member(language))

    dashboard = visible(client.get(reverse("wagtailadmin_home")))

    for english in ["Search all pages", "editor guide", "created in"]:
        assert english not in dashboard
    assert not re.search(r"\d+ (Pages?|Images?|Documents?)\b", dashboard)


def test_the_spanish_dashboard_and_explorer_read_in_spanish(client, home_page):
    client.force_login(staff_member("es"))

    dashboard = visible(client.get(reverse("wagtailadmin_home")))
    explorer = visible(client.get(reverse("wagtailadmin_explore", args=[home_page.pk])))

    assert "Buscar en todas las páginas…" in dashboard
    assert "Guía del editor de Wagtail" in dashboard
    assert re.search(r"\d+ páginas?\b", dashboard)
    assert "Explorando" in explorer
    assert "Exploring" not in explorer


def test_an_empty_listing_says_so_in_spanish(client, home_page):
    client.force_login(staff_member("es"))

    listing = visible(client.get("/admin/suppression/"))

    assert "There are no" not in listing
    assert "Why not" not in listing
    assert "No hay " in listing
