"""The demo pages built from the seeds: bulletins, the Spanish translation, the events."""

import pytest
from wagtail.models import Locale

from cms.email.rendering import render_email
from cms.models import BulletinPage
from events.models import EventPage
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_content):
    """The demo site, loaded once for this module (tests/conftest.py)."""
    return demo_content


def test_demo_bulletins_events_and_translations(client, demo):
    february = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="en"
    )
    spanish = BulletinPage.objects.get(
        translation_key=february.translation_key, locale__language_code="es"
    )
    flyer = BulletinPage.objects.get(
        slug="resources-for-immigrants-and-refugees", locale__language_code="en"
    )
    events = EventPage.objects.filter(locale__language_code="en")

    assert {block.block_type for block in february.body} >= {
        "paragraph",
        "heading",
        "news_item",
        "document",
        "resource",
        "call_to_action",
        "event_listing",
        "quote",
        "divider",
    }
    assert spanish.title == "Recursos y noticias importantes para inmigrantes"
    assert [b.block_type for b in spanish.body] == [b.block_type for b in february.body]
    assert sum(1 for b in flyer.body if b.block_type == "resource") == 6
    assert sorted(events.values_list("kind", flat=True)) == [
        "know_your_rights",
        "leadership_summit",
        "lobby_day",
        "press_conference",
        "webinar",
    ]
    dhs = events.get(slug="press-conference-and-rally-dhs")
    assert dhs.address == "525 W Van Buren St, Chicago, IL 60607"
    assert events.get(kind="know_your_rights").hide_address

    assert client.get("/bulletins/february-2017/").status_code == 200
    spanish_page = client.get("/es/bulletins/february-2017/").content.decode()
    assert "Conozca su plan de seguridad" in spanish_page
    assert "Conferencia de prensa y manifestación" in spanish_page
    assert client.get("/ar/bulletins/").status_code == 200
    assert client.get("/events/?when=past").status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_bulletin_renders_as_email_in_each_language(demo, language):
    february = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="en"
    )
    rendered = render_email(february, language=language)
    assert "National Immigrant Justice Center" in rendered.html
    assert "312-660-1370" in rendered.text
    expected = "Recursos y noticias" if language == "es" else "Important resources"
    assert rendered.subject.startswith(expected)


MACHINE_DRAFTED_LANGUAGES = ["ar", "hi", "zh-hans", "pl"]


def test_demo_has_a_bulletin_and_an_event_in_arabic_hindi_chinese_and_polish(
    client, demo
):
    """Machine-drafted translations, marked so in the data and for readers (issue 13)."""
    from cms.machine_translation import machine_mark

    flyer = BulletinPage.objects.get(
        slug="resources-for-immigrants-and-refugees", locale__language_code="en"
    )
    session = EventPage.objects.get(
        slug="know-your-rights-session", locale__language_code="en"
    )
    for page in (flyer, session):
        translations = {
            p.locale.language_code: p.specific for p in page.get_translations().live()
        }
        assert set(MACHINE_DRAFTED_LANGUAGES) <= set(translations), page.slug
        for language in MACHINE_DRAFTED_LANGUAGES:
            translation = translations[language]
            assert translation.title != page.title, (page.slug, language)
            mark = machine_mark(translation)
            assert mark is not None, (page.slug, language)
            assert mark.tell_readers
            html = client.get(translation.url).content.decode()
            assert f'<html lang="{language}"' in html
            assert 'class="machine-note"' in html, (page.slug, language)
            assert translation.title in html
        assert machine_mark(page) is None, "the English original is not a draft"

    arabic = flyer.get_translation(Locale.objects.get(language_code="ar"))
    body = client.get(arabic.url).content.decode()
    assert 'dir="rtl"' in body
    assert "المساعدة القانونية للمهاجرين" in body
    assert '<span dir="ltr" class="nowrap">312-660-1370</span>' in body
    assert 'href="tel:+13126601370"' in body
    # The Spanish translation of February was written by people: no machine mark.
    february_es = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="es"
    )
    assert machine_mark(february_es) is None


def test_no_translated_demo_event_shows_english_prose(client, demo):
    """A Spanish (or any) reader meets the event's text in their language: the page
    says lang="es", so English left in it would also be read aloud wrongly."""
    originals = {
        page.translation_key: page
        for page in EventPage.objects.filter(locale__language_code="en")
    }
    translated = EventPage.objects.live().exclude(locale__language_code="en")
    assert {page.locale.language_code for page in translated} >= {
        "es",
        *MACHINE_DRAFTED_LANGUAGES,
    }
    for page in translated:
        english = originals[page.translation_key]
        assert page.title != english.title, (page.slug, page.locale)
        assert page.description != english.description, (page.slug, page.locale)
        html = client.get(page.url).content.decode()
        assert str(english.description) not in html, (page.slug, page.locale)


def test_every_demo_bulletin_is_listed_in_spanish(client, demo):
    """Both demo bulletins exist in Spanish (the City published the resources flyer
    in all six languages): the Spanish listing falls back to no English item (one
    would be marked lang="en"). In the other four the February bulletin, a run of
    forwarded English partner news, is listed in English and marked so."""
    listing = client.get("/es/bulletins/").content.decode()
    main = listing.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<h2><a href=") == 2
    assert "Recursos para inmigrantes y refugiados de Chicago" in main
    assert 'lang="en"' not in main
    polish = client.get("/pl/bulletins/").content.decode()
    assert '<li lang="en" dir="ltr">' in polish.split("<main", 1)[1]


def _note_paragraphs(html: str, css_class: str) -> list[dict]:
    """The attributes and text of each <p> of ``css_class`` in ``html``, with the
    lang and dir of the table cell around it."""
    from html.parser import HTMLParser

    found = []

    class Notes(HTMLParser):
        current = None
        cells = [{}]

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "td":
                self.cells.append(attrs)
            if tag == "p" and css_class in (attrs.get("class") or "").split():
                cell = self.cells[-1]
                self.current = {**attrs, "text": ""}
                self.current["cell"] = (cell.get("lang"), cell.get("dir"))
                found.append(self.current)

        def handle_endtag(self, tag):
            if tag == "p":
                self.current = None
            if tag == "td":
                self.cells.pop()

        def handle_data(self, data):
            if self.current is not None:
                self.current["text"] += data

    Notes().feed(html)
    return found


@pytest.mark.parametrize("language", ["hi", "zh-hans", "ar", "pl"])
def test_untranslated_demo_bulletin_email_says_so_in_the_readers_language(
    demo, language
):
    """February has only a Spanish translation: its readers in other languages get the
    English text with a note at the top in their language and direction, as the web
    page does, and the English body marked as English."""
    from django.utils import translation

    from cms.bidi import LRM, direction

    february = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="en"
    )
    with translation.override(language):
        note = translation.gettext(
            "This message is not translated into your language yet. Here it is in "
            "its original language."
        )
    rendered = render_email(february, language=language)

    (shown,) = _note_paragraphs(rendered.html, "content-language-note")
    assert (shown["lang"], shown["dir"]) == (language, direction(language))
    assert shown["text"] == note
    assert shown["cell"] == ("en", "ltr"), "the English body is marked as English"
    assert note in rendered.text
    title = "Important resources"
    marked = f"{LRM}{title}" if language == "ar" else title
    assert any(line.startswith(marked) for line in rendered.text.splitlines())


def test_translated_demo_bulletin_email_has_no_untranslated_note(demo):
    february = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="en"
    )
    for language in ("en", "es"):
        rendered = render_email(february, language=language)
        assert 'class="content-language-note' not in rendered.html
        assert "translated into your language" not in rendered.text


@pytest.mark.parametrize("language", MACHINE_DRAFTED_LANGUAGES)
def test_demo_machine_note_names_no_english_label(client, demo, language):
    """The demo's drafts are labelled "machine draft" for staff; readers' notes (e-mail
    and page) say a machine translated it without that English label."""
    from django.utils import translation

    flyer = BulletinPage.objects.get(
        slug="resources-for-immigrants-and-refugees", locale__language_code="en"
    )
    rendered = render_email(flyer, language=language)
    page = flyer.get_translation(Locale.objects.get(language_code=language))
    html = client.get(page.url).content.decode()
    with translation.override(language):
        mail_note = translation.gettext(
            "This message was translated by machine and may contain mistakes."
        )
        page_note = translation.gettext(
            "This translation was made by machine and may contain mistakes."
        )

    assert rendered.machine_tool == "machine draft", "staff still see the label"
    (shown,) = _note_paragraphs(rendered.html, "machine-note")
    assert shown["text"] == mail_note
    assert mail_note in rendered.text
    (shown,) = _note_paragraphs(html, "machine-note")
    assert shown["text"].startswith(page_note)
    for text in (rendered.html, rendered.text, html):
        assert "machine draft" not in text
