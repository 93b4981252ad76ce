"""XSS payloads in every text field, rich text, block and alt text: inert on the web
and in e-mail (no script, no event handler, no javascript: link carries the marker)."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from cms.blocks import RICH_TEXT_FEATURES, CallToActionBlock, NewsItemBlock
from cms.email.rendering import render_email
from cms.models import AlertPage
from tests.cms.test_blocks import make_document, make_image
from tests.factories import (
    CampaignFactory,
    build_bulletin,
    build_event,
    build_petition_page,
)

pytestmark = pytest.mark.django_db

MARK = "xss1337"
TEXT = (
    f'<script>{MARK}()</script><img src=x onerror="{MARK}()">'
    f'"><svg onload={MARK}()>\'><a href="javascript:{MARK}()">x</a>'
)
RICH = (
    f'<p>{TEXT}</p><p><a href="javascript:{MARK}()">link</a>'
    f'<a href="JaVaScRiPt:{MARK}()">caps</a>'
    f'<img src="x" onerror="{MARK}()"/><iframe src="javascript:{MARK}()"></iframe></p>'
)
BAD_URL = f"javascript:{MARK}()"
URL = f"https://example.org/{MARK}?q=%22%3E%3Cscript%3E"


def editor_input(html: str) -> str:
    """Rich text as the admin stores it: through Wagtail's whitelisting converter."""
    return EditorHTMLConverter(features=RICH_TEXT_FEATURES).to_database_format(html)


class Sinks(HTMLParser):
    """Collects every place a browser would run the marker."""

    def __init__(self):
        super().__init__()
        self.hits, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if MARK not in value:
                continue
            compact = "".join(value.split()).lower()
            if name.startswith("on") or compact.startswith(("javascript:", "data:")):
                self.hits.append(f"<{tag} {name}={value!r}>")
            if tag in ("iframe", "embed", "object", "script"):
                self.hits.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.hits.append(f"<script>{data[:60]}")


def sinks(html: str) -> list[str]:
    parser = Sinks()
    parser.feed(html)
    return parser.hits


@pytest.fixture
def hostile_pages(home_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    event = build_event(
        title=TEXT[:200],
        venue=TEXT[:200],
        address=TEXT[:300],
        organisers=TEXT[:300],
        rsvp_mode="internal",
    )
    image, document = make_image(), make_document("flyer")
    image.title = TEXT[:255]
    image.save()
    body = [
        ("heading", {"text": TEXT[:200], "level": "h2"}),
        ("paragraph", editor_input(RICH)),
        ("news_item", {"title": TEXT[:200], "summary": TEXT, "link": URL}),
        (
            "resource",
            {
                "organisation": TEXT[:200],
                "category": "legal",
                "phone": TEXT[:40],
                "web_address": URL,
                "description": TEXT,
            },
        ),
        (
            "call_to_action",
            {"text": TEXT, "label": TEXT[:80], "page": None, "url": URL},
        ),
        (
            "event_listing",
            {"title": TEXT[:200], "events": [event.pk], "kinds": [], "limit": 5},
        ),
        (
            "document",
            {
                "title": TEXT[:200],
                "description": TEXT,
                "files": [
                    {
                        "type": "item",
                        "id": "f-en",
                        "value": {"language": "en", "document": document.pk},
                    }
                ],
            },
        ),
        (
            "image",
            {"image": image.pk, "alt_text": TEXT[:250], "caption": TEXT[:250]},
        ),
        ("quote", {"quote": TEXT, "attribution": TEXT[:200]}),
    ]
    bulletin = build_bulletin(title=TEXT[:255], summary=TEXT[:300], body=body)
    alert = home_page.add_child(
        instance=AlertPage(
            title=TEXT[:255], slug="alert", message=editor_input(RICH), event=event
        )
    )
    alert.save_revision().publish()
    campaign = CampaignFactory(slug="xss", name=TEXT[:200])
    petition = build_petition_page(
        home_page,
        campaign,
        title=TEXT[:255],
        target=TEXT[:200],
        statement=TEXT,
        why=editor_input(RICH),
        thank_you=TEXT,
    )
    return {"bulletin": bulletin, "alert": alert, "event": event, "petition": petition}


def test_the_admin_refuses_script_links_and_strips_markup_from_rich_text():
    with pytest.raises(ValidationError):
        NewsItemBlock().clean({"title": "t", "summary": "s", "link": BAD_URL})
    with pytest.raises(ValidationError):
        CallToActionBlock().clean(
            {"text": "", "label": "Go", "page": None, "url": BAD_URL}
        )
    stored = editor_input(RICH)
    assert MARK in stored
    assert "<script" not in stored
    assert "onerror" not in stored
    assert "javascript:" not in stored.lower()
    assert "<iframe" not in stored


def test_payloads_are_inert_on_every_public_page(client, hostile_pages):
    paths = [page.url for page in hostile_pages.values()]
    paths += [
        hostile_pages["event"].url + "rsvp/",
        hostile_pages["petition"].url + "?signed=1",
        f"/petitions/embed/{hostile_pages['petition'].pk}/",
        "/bulletins/",
        "/events/",
        "/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        if path != "/":
            assert MARK in html, f"{path}: the payload should be shown, as text"
        assert sinks(html) == [], (path, sinks(html))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_payloads_are_inert_in_every_email(hostile_pages, language):
    for name in ("bulletin", "alert", "event"):
        rendered = render_email(
            hostile_pages[name], language=language, base_url="https://ona.example.org"
        )
        assert MARK in rendered.html, name
        assert sinks(rendered.html) == [], name
        assert "<script" not in rendered.text.lower() or "&lt;" not in rendered.text
        assert "\n" not in rendered.subject
        assert "\r" not in rendered.subject
