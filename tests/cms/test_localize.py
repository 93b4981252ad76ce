"""wagtail-localize can extract and sync every page type and block for translation."""

import pytest
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, TranslationSource

from tests.factories import build_bulletin, build_event

pytestmark = pytest.mark.django_db


def test_bulletin_with_every_block_goes_through_wagtail_localize(home_page):
    event = build_event(title="Lobby day", kind="lobby_day", venue="State Capitol")
    bulletin = build_bulletin(
        title="February bulletin",
        summary="News for immigrants",
        body=[
            ("heading", {"text": "Resources", "level": "h2"}),
            ("paragraph", "<p>All residents can use City services.</p>"),
            ("news_item", {"title": "Ban blocked", "summary": "Upheld.", "link": ""}),
            (
                "resource",
                {
                    "organisation": "NIJC",
                    "category": "legal",
                    "phone": "312-660-1370",
                    "web_address": "",
                    "description": "Free legal help.",
                },
            ),
            (
                "call_to_action",
                {"text": "", "label": "Call", "page": None, "url": "https://e.org"},
            ),
            (
                "event_listing",
                {
                    "title": "Events",
                    "events": [event.pk],
                    "kinds": ["rally"],
                    "limit": 3,
                },
            ),
            ("quote", {"quote": "Here for you.", "attribution": "Mayor"}),
            ("divider", None),
        ],
    )
    source, _created = TranslationSource.get_or_create_from_instance(bulletin)
    strings = set(
        StringSegment.objects.filter(source=source).values_list(
            "string__data", flat=True
        )
    )
    spanish = Locale.objects.get(language_code="es")
    for parent in (bulletin.get_parent(), event.get_parent()):
        parent.specific.copy_for_translation(spanish, copy_parents=True)
    source.create_or_update_translation(spanish, fallback=True)

    assert {
        "February bulletin",
        "Resources",
        "Ban blocked",
        "Free legal help.",
        "Here for you.",
    } <= strings
    translated = bulletin.get_translation(spanish).specific
    assert [b.block_type for b in translated.body] == [
        b.block_type for b in bulletin.body
    ]

    event_source, _ = TranslationSource.get_or_create_from_instance(event)
    event_source.create_or_update_translation(spanish, fallback=True)
    assert event.get_translation(spanish).specific.kind == "lobby_day"
