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

    assert "312-660-1370" not in strings, "a phone number is not text to translate"
    resource = next(b for b in translated.body if b.block_type == "resource")
    assert resource.value["phone"] == "312-660-1370"

    event_source, _ = TranslationSource.get_or_create_from_instance(event)
    event_source.create_or_update_translation(spanish, fallback=True)
    assert event.get_translation(spanish).specific.kind == "lobby_day"


def test_translate_makes_a_draft_so_the_english_fallback_stays_until_it_is_published(
    client, home_page, django_capture_on_commit_callbacks
):
    """'Translate' in the admin must not publish an English copy under /es/ marked
    lang="es", nor make mailings count it as Spanish: until staff publish the
    translation, /es/ serves the English page marked lang="en"."""
    from django.urls import reverse

    from campaigns.mailings.services.starting import page_languages
    from tests.factories import SuperuserFactory

    bulletin = build_bulletin(title="Know your rights update")
    spanish = Locale.objects.get(language_code="es")
    client.force_login(SuperuserFactory(username="staff"))

    with django_capture_on_commit_callbacks(execute=True):  # localize publishes then
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[bulletin.pk]),
            {"locales": [spanish.pk]},
        )

    assert response.status_code == 302
    draft = bulletin.get_translation(spanish)
    assert not draft.live, "a translation goes live when staff publish it"
    assert set(page_languages(bulletin)) == {"en"}
    page = client.get(f"/es/bulletins/{bulletin.slug}/")
    assert page.status_code == 200
    assert '<article lang="en" dir="ltr">' in page.content.decode()
    assert "Know your rights update" in page.content.decode()


def test_an_event_s_list_is_not_offered_to_translators(home_page):
    """Found by the staff tester: the translation editor showed "Offer to join this
    list: 1 — Uses English version", a bare id with nothing to do."""
    from wagtail_localize.models import OverridableSegment, RelatedObjectSegment

    from tests.factories import MailingListFactory

    event = build_event(title="Know Your Rights training")
    event.rsvp_list = MailingListFactory(name="Legal")
    event.save_revision().publish()
    source, _ = TranslationSource.get_or_create_from_instance(event)
    assert not RelatedObjectSegment.objects.filter(source=source).exists()
    overridable = OverridableSegment.objects.filter(source=source)
    assert not overridable.filter(context__path="rsvp_list").exists()
    spanish = Locale.objects.get(language_code="es")
    event.get_parent().specific.copy_for_translation(spanish, copy_parents=True)
    source.create_or_update_translation(spanish, fallback=True)
    assert event.get_translation(spanish).specific.rsvp_list_id == event.rsvp_list_id
