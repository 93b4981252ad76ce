"""An event's organisers left in English on its Arabic, Hindi or Chinese page are
marked English (WCAG 3.1.2): they sat bare inside <article lang="ar">, so a screen
reader read "The Resurrection Project" with the Arabic voice. Words in the page's own
script, and any words on a page in a Latin-script language, keep the page's lang."""

import re

import pytest

from cms.bidi import written_language
from tests.factories import build_event, translate_page

pytestmark = pytest.mark.django_db

ENGLISH = "The Resurrection Project, National Immigrant Justice Center"


def organisers_html(client, page) -> str:
    html = client.get(page.url).content.decode()
    return re.search(r"<dd>([^\n]*?)</dd>\s*</dl>", html)[1]


@pytest.mark.parametrize("language", ["ar", "hi", "zh-hans"])
def test_english_organisers_on_a_page_in_another_script_are_marked_english(
    client, home_page, language
):
    event = build_event(organisers=ENGLISH)
    translated = translate_page(event, language, title=f"Event {language}")

    assert organisers_html(client, translated) == (
        f'<bdi lang="en" dir="ltr">{ENGLISH}</bdi>'
    )
    assert organisers_html(client, event) == ENGLISH


@pytest.mark.parametrize(
    ("language", "organisers"),
    [
        ("ar", "مشروع القيامة"),
        ("hi", "पुनरुत्थान परियोजना"),
        ("zh-hans", "复活项目"),
        ("es", "The Resurrection Project"),  # Latin script: may well be Spanish
        ("pl", "Projekt Zmartwychwstanie"),
    ],
)
def test_organisers_in_the_page_script_keep_the_page_language(
    client, home_page, language, organisers
):
    event = build_event(organisers=ENGLISH)
    translated = translate_page(event, language, organisers=organisers)

    assert organisers_html(client, translated) == organisers
    assert written_language(organisers, language) == language


def test_mixed_scripts_keep_the_page_language():
    assert written_language("مشروع The Resurrection Project", "ar") == "ar"
    assert written_language("311", "ar") == "ar"  # no letters
    assert written_language(ENGLISH, "en") == "en"


@pytest.mark.parametrize(("language", "direction"), [("es", "ltr"), ("ar", "rtl")])
def test_an_untranslated_event_s_facts_follow_the_reader_its_organisers_stay_english(
    client, home_page, language, direction
):
    """The facts list is in the reader's language and direction (its labels are), so
    on an Arabic phone each label and value line up (tests/e2e/
    test_event_facts_direction.py); the English organisers say they are English."""
    event = build_event(organisers=ENGLISH)
    html = client.get(f"/{language}{event.url}").content.decode()
    assert f'<dl class="facts" lang="{language}" dir="{direction}">' in html
    organisers = re.search(r"<dd>([^\n]*?)</dd>\s*</dl>", html)[1]
    assert organisers == f'<bdi lang="en" dir="ltr">{ENGLISH}</bdi>'
