"""Every page's footer leads a reader who lost our e-mails to their lists: the page
that mails a fresh preferences link (change lists, unsubscribe), in the page's
language. Before, nothing on the site linked to it: only a broken link reached it."""

import re

import pytest
from django.utils import translation

from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_footer_links_to_the_new_link_page_in_the_page_language(
    client, home_page, language
):
    html = client.get(f"{prefix(language)}/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    with translation.override(language):
        label = translation.gettext("Change your lists or unsubscribe")
        heading = translation.gettext("Get a new link to your preferences")
    found = re.search(r'<a href="([^"]+)">' + re.escape(label) + "</a>", footer)
    assert found, f"no '{label}' link in the {language} footer"
    href = found.group(1)
    assert href == f"{prefix(language)}/subscribers/new-link/"

    page = client.get(href)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<html lang="{language}"' in body
    assert heading in body
    assert 'type="email"' in body
