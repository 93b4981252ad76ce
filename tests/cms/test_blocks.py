"""Every bulletin block renders for the web, for e-mail and as text, in every locale."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from cms.blocks import EMAIL_SAFE_BLOCKS, BulletinStreamBlock
from cms.email.rendering import render_email
from cms.email.text import Links
from tests.factories import build_bulletin, build_event, stream, translate_page

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "hi", "zh-hans", "ar", "pl"]


def root_collection() -> Collection:
    # Transactional tests elsewhere flush the root collection Wagtail's migration made.
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def make_image() -> Image:
    root_collection()
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#0b5cab").save(buffer, "PNG")
    return Image.objects.create(
        title="Know your rights graphic",
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="kyr.png"),
    )


def make_document(title: str) -> Document:
    document = Document(title=title, collection=root_collection())
    document.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return document


@pytest.fixture
def every_block(home_page, tmp_path, settings):
    """A body with one block of every kind, and the marker each must show."""
    settings.MEDIA_ROOT = tmp_path / "media"
    event = build_event(
        title="Lobby day in Springfield", kind="lobby_day", venue="State Capitol"
    )
    image = make_image()
    english, spanish = make_document("flyer-en"), make_document("flyer-es")
    body = [
        ("heading", {"text": "Resisting the executive orders", "level": "h2"}),
        (
            "paragraph",
            '<p>Read the <a href="https://example.org/toolkit">toolkit</a>.</p>',
        ),
        (
            "news_item",
            {
                "title": "Refugee ban remains blocked",
                "summary": "The Ninth Circuit upheld the restraining order.",
                "link": "https://immigrantjustice.org/news",
            },
        ),
        (
            "resource",
            {
                "organisation": "National Immigrant Justice Center",
                "category": "legal",
                "phone": "312-660-1370",
                "web_address": "https://www.immigrantjustice.org/",
                "description": "Free legal consultations.",
            },
        ),
        (
            "call_to_action",
            {
                "text": "Tell your Senators you welcome refugees.",
                "label": "Call your Senators",
                "page": None,
                "url": "https://example.org/call",
            },
        ),
        (
            "event_listing",
            {"title": "Upcoming events", "events": [event.pk], "kinds": [], "limit": 5},
        ),
        (
            "document",
            {
                "title": "Resources flyer",
                "description": "Print and share.",
                "files": [
                    {
                        "type": "item",
                        "id": "f-en",
                        "value": {"language": "en", "document": english.pk},
                    },
                    {
                        "type": "item",
                        "id": "f-es",
                        "value": {"language": "es", "document": spanish.pk},
                    },
                ],
            },
        ),
        (
            "image",
            {
                "image": image.pk,
                "alt_text": "A safety plan checklist",
                "caption": "Share it",
            },
        ),
        (
            "quote",
            {
                "quote": "The City of Chicago is here for you.",
                "attribution": "The Mayor",
            },
        ),
        ("divider", None),
    ]
    markers = {
        "heading": "Resisting the executive orders",
        "paragraph": "https://example.org/toolkit",
        "news_item": "Refugee ban remains blocked",
        "resource": "312-660-1370",
        "call_to_action": "Call your Senators",
        "event_listing": "Lobby day in Springfield",
        "document": "flyer-es",
        "image": "A safety plan checklist",
        "quote": "The City of Chicago is here for you.",
    }
    return body, markers


def test_every_block_kind_is_in_the_fixture_and_declares_its_meta(every_block):
    body, _markers = every_block
    assert {kind for kind, _ in body} == {name for name, _ in EMAIL_SAFE_BLOCKS}
    for name, block in EMAIL_SAFE_BLOCKS:
        assert block.meta.icon, name
        assert block.meta.template.startswith("blocks/"), name
        assert block.meta.email_template.startswith("email/blocks/"), name
        assert block.meta.description, name
        assert hasattr(block.meta, "preview_value"), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_block_renders_for_web_email_and_text(client, every_block, language):
    body, markers = every_block
    bulletin = build_bulletin(title="February bulletin", summary="News", body=body)
    page = bulletin
    if language != "en":
        page = translate_page(bulletin, language, title=f"Bulletin ({language})")

    response = client.get(page.url)
    assert response.status_code == 200
    web = response.content.decode()
    assert f'<html lang="{language}"' in web
    rendered = render_email(bulletin, language=language)

    for kind, marker in markers.items():
        assert marker in web, f"web: {kind}"
        assert marker in rendered.html, f"e-mail: {kind}"
        # Text headings and titles are upper-cased to stand out without markup.
        assert marker.lower() in rendered.text.lower(), f"text: {kind}"
    assert rendered.subject == page.title
    assert "<" not in rendered.text.replace("<url>", ""), "text part carries no HTML"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_block_renders_alone_in_each_language(every_block, language):
    body, _markers = every_block
    stream = BulletinStreamBlock()
    value = stream.to_python([{"type": kind, "value": raw} for kind, raw in body])
    links = Links("https://ona.example.org")
    with translation.override(language):
        for child in value:
            web = child.block.render(child.value)
            email = child.block.render_email(child.value, {})
            text = child.block.render_text(child.value, links)
            assert web.strip(), child.block_type
            assert email.strip(), child.block_type
            assert text.strip(), child.block_type


def document_block(title: str, *files: tuple[str, Document]) -> tuple[str, dict]:
    return (
        "document",
        {
            "title": title,
            "description": "",
            "files": [
                {
                    "type": "item",
                    "id": f"f-{i}",
                    "value": {"language": code, "document": d.pk},
                }
                for i, (code, d) in enumerate(files)
            ],
        },
    )


def link_names(html: str) -> list[str]:
    """The accessible name of each link to a document, as a screen reader lists them."""
    import html as html_module
    import re

    names = []
    for inner in re.findall(
        r'<a href="[^"]*/documents/[^"]*"[^>]*>(.*?)</a>', html, re.S
    ):
        names.append(html_module.unescape(re.sub(r"<[^>]+>", "", inner)))
    return names


@pytest.mark.parametrize(
    ("language", "english", "size"),
    [
        ("en", "English", "15\xa0bytes"),
        ("es", "Inglés", "15\xa0bytes"),
        ("ar", "الإنجليزية", "15"),
    ],
)
def test_two_documents_in_english_have_links_a_reader_can_tell_apart(
    client, home_page, tmp_path, settings, language, english, size
):
    settings.MEDIA_ROOT = tmp_path / "media"
    flyer, toolkit = make_document("flyer-en"), make_document("toolkit-en")
    bulletin = build_bulletin(
        title="March bulletin",
        summary="News",
        body=[
            document_block("Resources flyer", ("en", flyer)),
            document_block("Know your rights toolkit", ("en", toolkit)),
        ],
    )
    page = bulletin
    if language != "en":
        page = translate_page(bulletin, language, title=f"Bulletin ({language})")
    web = client.get(page.url).content.decode()
    rendered = render_email(bulletin, language=language)

    for where, html in (("web", web), ("e-mail", rendered.html)):
        names = link_names(html)
        assert len(names) == 2, where
        assert len(set(names)) == 2, f"{where}: {names}"
        for name, title in zip(
            names, ["Resources flyer", "Know your rights toolkit"], strict=True
        ):
            assert title in name, where
            # Arabic's catalogue writes the name with a shadda; compare without it.
            assert english.casefold() in name.replace("\u0651", "").casefold(), where
            assert "PDF" in name, where
            assert size in name, where
    assert "English (PDF)" not in web
    assert "Resources flyer – " in rendered.text
    assert "Know your rights toolkit – " in rendered.text


def test_a_lower_case_language_name_is_not_repeated_for_staff(monkeypatch):
    """The catalogues name languages lower-case, for readers' document links
    ("inglés"); staff's labels still read "Español", not "Español (español)"."""
    from cms import languages

    monkeypatch.setattr(languages, "gettext", lambda text: {"Spanish": "español"}[text])
    assert languages.language_label("es") == "Español"


def test_a_document_link_reads_in_the_readers_direction_around_its_title(
    client, home_page, tmp_path, settings
):
    """An English bulletin read in Arabic (no translation yet): the link's name is an
    Arabic sentence around the English title ("<title> – الإنجليزية (PDF، 15)"), and
    inside the English bulletin's left-to-right text it was laid out backwards. The
    link carries the reader's language and direction, the title isolated within."""
    from cms.languages import localized_url

    settings.MEDIA_ROOT = tmp_path / "media"
    bulletin = build_bulletin(
        title="March bulletin",
        summary="News",
        body=[document_block("Resources flyer", ("en", make_document("flyer-en")))],
    )
    web = client.get(localized_url(bulletin, "ar")).content.decode()
    rendered = render_email(bulletin, language="ar")
    for where, html in (("web", web), ("e-mail", rendered.html)):
        (anchor,) = re.findall(r'<a href="[^"]*/documents/[^"]*"[^>]*>.*?</a>', html)
        assert 'lang="ar"' in anchor, where
        assert 'dir="rtl"' in anchor, where
        assert '<bdi lang="en" dir="ltr">Resources flyer</bdi>' in anchor, where
    english = render_email(bulletin, language="en").html
    (anchor,) = re.findall(r'<a href="[^"]*/documents/[^"]*"[^>]*>.*?</a>', english)
    assert 'lang="en"' in anchor
    assert 'dir="ltr"' in anchor


def test_a_document_title_in_another_language_than_the_link_says_which(
    client, home_page, tmp_path, settings
):
    """An English bulletin read in Hindi (no translation yet): the link's name is a
    Hindi sentence around the document's English title, and the whole link said
    lang="hi", so a screen reader read "Resources flyer" with a Hindi voice. The title
    now carries the bulletin's language; in a translated bulletin, where the title is
    in the reader's language, it carries nothing more."""
    from cms.languages import localized_url

    settings.MEDIA_ROOT = tmp_path / "media"
    bulletin = build_bulletin(
        title="March bulletin",
        summary="News",
        body=[document_block("Resources flyer", ("en", make_document("flyer-en")))],
    )
    anchor_pattern = r'<a href="[^"]*/documents/[^"]*"[^>]*>.*?</a>'
    web = client.get(localized_url(bulletin, "hi")).content.decode()
    mail = render_email(bulletin, language="hi").html
    for where, html in (("web", web), ("e-mail", mail)):
        (anchor,) = re.findall(anchor_pattern, html)
        assert 'lang="hi"' in anchor, where
        assert '<bdi lang="en" dir="ltr">Resources flyer</bdi>' in anchor, where

    hindi = translate_page(
        bulletin,
        "hi",
        title="मार्च बुलेटिन",
        body=stream(document_block("संसाधन पर्चा", ("en", make_document("flyer-hi")))),
    )
    web = client.get(hindi.url).content.decode()
    mail = render_email(hindi, language="hi").html
    for where, html in (("web", web), ("e-mail", mail)):
        (anchor,) = re.findall(anchor_pattern, html)
        assert "<bdi>संसाधन पर्चा</bdi>" in anchor, where


def test_a_documents_language_is_named_for_staff_in_their_own_language():
    """The admin's file-language choice reads "العربية (árabe)" for a Spanish-speaking
    staff member, as every other language choice in the admin does, not "العربية"
    alone; and it follows settings.LANGUAGES when asked (its migration names it)."""
    from django.test import override_settings

    from cms.blocks import DocumentBlock

    field = DocumentBlock().child_blocks["files"].child_block.child_blocks["language"]
    with translation.override("es"):
        labels = dict(field.field.choices)
    assert labels["ar"] == "العربية (árabe)"
    assert labels["es"] == "Español"
    with override_settings(LANGUAGES=[*settings.LANGUAGES, ("uk", "Українська")]):
        assert "uk" in dict(field.field.choices)


@pytest.mark.parametrize(
    ("size", "words"),
    [(609, "609\xa0بايتات"), (15, "15\xa0بايتًا"), (2, "بايتان"), (100, "100\xa0بايت")],
)
def test_a_document_size_is_counted_in_arabic_grammar(
    client, home_page, tmp_path, settings, size, words
):
    """The demo bulletin in Arabic said "PDF، 609 بايتان": Django's Arabic catalogue
    has the dual ("two bytes") for 3 to 10 (609 ends in 9) and the genitive for 11 to
    99, where Arabic says بايتات and بايتًا. Our catalogues hold the counts now."""
    from cms.languages import localized_url

    settings.MEDIA_ROOT = tmp_path / "media"
    document = Document(title="flyer", collection=root_collection())
    document.file.save("flyer.pdf", ContentFile(b"%" * size), save=False)
    document.save()
    bulletin = build_bulletin(
        title="March bulletin",
        summary="News",
        body=[document_block("Resources flyer", ("en", document))],
    )
    web = client.get(localized_url(bulletin, "ar")).content.decode()
    rendered = render_email(bulletin, language="ar")
    (text_line,) = [line for line in rendered.text.splitlines() if "flyer" in line]
    for where, link in (
        ("web", *link_names(web)),
        ("e-mail", *link_names(rendered.html)),
        ("plain text", text_line),
    ):
        assert words in link, f"{where}: {link}"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("es", "Próximos eventos"),
        ("ar", "الفعاليات القادمة"),
        ("en", "Upcoming events"),
    ],
)
def test_an_event_listings_default_title_is_in_the_readers_language(
    client, language, heading
):
    """A translation of a bulletin showed its listing's default title in English
    (wagtail-localize publishes an untranslated segment as the source's), over events
    in the reader's language; an editor whose admin is in Spanish gave an English
    bulletin "Próximos eventos". The default title, in whichever language it was
    given, is the reader's; a title of the editor's own is kept as written."""
    listing = {"kinds": [], "limit": 5, "events": []}
    bulletin = build_bulletin(
        title="February bulletin",
        summary="News",
        body=[
            ("event_listing", {**listing, "title": "Upcoming events"}),
            ("event_listing", {**listing, "title": "Próximos eventos"}),
            ("event_listing", {**listing, "title": "Lobby days"}),
        ],
    )
    page = bulletin
    if language != "en":
        page = translate_page(bulletin, language, title=f"Bulletin ({language})")

    web = client.get(page.url).content.decode()
    assert web.count(f"<h2>{heading}</h2>") == 2
    assert "Lobby days</h2>" in web
    rendered = render_email(bulletin, language=language)
    assert len(re.findall(f"<h2[^>]*>{heading}</h2>", rendered.html)) == 2
    assert rendered.text.count(heading.upper()) == 2
    assert "LOBBY DAYS" in rendered.text
