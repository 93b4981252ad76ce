"""A page shown in a language it has no translation for says so in the reader's
language, names the office in it in its header, and marks its English parts
lang="en". Its plain <title> is English throughout and marked so
(test_way_finding.test_english_shown_to_another_language_is_marked_english). A
signed or failed form's <title> starts with the reader's words ("Signed:", "Error:")
and is the reader's, unmarked; the office's name in it was still English ("... ·
Office of New Americans" inside an Arabic <title>). It is now the reader's, as the
header says it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cms.languages import localized_url

pytestmark = pytest.mark.django_db


def said(language: str, english: str) -> str:
    # Not tests.languages.said, which fails a string its language writes the same:
    # Spanish says "Error: %(title)s" too.
    with translation.override(language):
        return translation.gettext(english)


def title_of(html: str) -> tuple[str, str]:
    found = re.search(r"<title([^>]*)>(.*?)</title>", html, re.S)
    return found[1], found[2]


@pytest.mark.parametrize("language", ["ar", "zh-hans", "es"])
def test_a_status_title_on_an_untranslated_page_names_the_office_as_the_header(
    petition, language
):
    office = said(language, "Office of New Americans")
    assert office != "Office of New Americans"
    path = localized_url(petition, language)  # no translation in this language

    plain = Client().get(path).content.decode()
    attrs, title = title_of(plain)
    assert attrs == ' lang="en" dir="ltr"'
    assert title == f"{petition.title} · Office of New Americans"
    assert f">{office}</a>" in plain, "the header names the office in the reader's"

    signed = Client().get(f"{path}?signed=1").content.decode()
    attrs, title = title_of(signed)
    assert attrs == ""
    assert title.startswith(said(language, "Signed"))
    assert title.endswith(f" · {office}")

    failed = Client().post(
        reverse("campaigns:sign", args=[petition.pk]) + f"?lang={language}",
        {"name": "Omar", "email": "not an address"},
    )
    assert failed.status_code == 400
    attrs, title = title_of(failed.content.decode())
    assert attrs == ""
    error = said(language, "Error: %(title)s") % {"title": ""}
    assert title.startswith(error.strip())
    assert title.endswith(f" · {office}")
