"""The cancelled marker of an event's e-mail text part: Chinese writes its brackets
full-width (【已取消】, it read "[已取消]"); every other language keeps its own."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from cms.email.text import Links
from tests.factories import build_event

MARKERS = {
    "en": "[Cancelled]",
    "es": "[Cancelado]",
    "hi": "[रद्द]",
    "zh-hans": "【已取消】",
    "ar": "[أُلغيت]",
    "pl": "[Odwołane]",
}


@pytest.mark.parametrize(("language", "marker"), MARKERS.items())
def test_a_guest_message_marks_a_cancelled_event(language, marker):
    with translation.override(language):
        text = render_to_string(
            "email/guest_message.txt",
            {
                "event": SimpleNamespace(title="Rally", when_display="1 May"),
                "event_cancelled": True,
                "changes": [],
            },
        )
    assert f"Rally {marker}\n" in text
    assert "[已取消]" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "marker"), MARKERS.items())
def test_an_event_summary_marks_a_cancelled_event(home_page, language, marker):
    event = build_event(title="Rally", cancelled=True)
    with translation.override(language):
        first_line = event.text_summary(Links("https://example.org")).splitlines()[0]
    separator = "" if language == "zh-hans" else " "
    assert first_line == f"{marker}{separator}Rally"
