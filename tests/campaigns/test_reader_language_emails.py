"""One rendering for preview and send: a page with no translation reaches readers of
each of the six languages in English content inside their own fixed text, and the sent
message is the admin's preview for that language, byte for byte apart from the
per-recipient links."""

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.mailings.models import Delivery, Mailing, MailingRendition
from campaigns.mailings.services import control, sending, starting
from cms.email.rendering import reason_line, render_email, sample_link
from cms.languages import label_colon
from cms.mail import outbox
from subscribers.models import Subscriber
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import (
    SuperuserFactory,
    build_bulletin,
    build_event,
    build_event_index,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
# The e-mail's fixed text: the layout, the blocks this bulletin uses, and the text part.
CHROME_TEMPLATES = [
    "page.html",
    "event_summary.html",
    "blocks/resource_block.html",
    "blocks/news_item_block.html",
]
_TRANSLATE_TAG = re.compile(r'{% translate "([^"]+)" %}')


def chrome_msgids() -> set[str]:
    """Every gettext string of the e-mail chrome, read from the templates and the code."""
    found = set()
    for name in CHROME_TEMPLATES:
        found |= set(_TRANSLATE_TAG.findall((TEMPLATES / name).read_text()))
    code = (Path(settings.BASE_DIR) / "cms" / "email" / "rendering.py").read_text()
    compose = code[code.index("def compose_text") :]
    found |= set(re.findall(r'_\("([^"]+)"\)', compose))
    found.add("Chicago time")  # the event card's time zone (EventPage.when_display)
    found.add("Legal help")  # the resource's category label
    return found


@pytest.fixture
def bulletin(home_page):
    event = build_event(
        build_event_index(home_page),
        title="Know Your Rights session",
        venue="Pilsen community hall",
    )
    return build_bulletin(
        title="Resources for immigrants",
        summary="Lawyers and upcoming sessions.",
        body=[
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
                "news_item",
                {
                    "title": "Refugee ban remains blocked",
                    "summary": "The court upheld the order.",
                    "link": "https://immigrantjustice.org/",
                },
            ),
            (
                "event_listing",
                {"title": "", "events": [event.pk], "kinds": [], "limit": 5},
            ),
        ],
    )


class _Attrs(HTMLParser):
    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.found = css_class, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.found is None and self.css_class in (attrs.get("class") or "").split():
            self.found = attrs


def element_attrs(html: str, css_class: str) -> dict:
    parser = _Attrs(css_class)
    parser.feed(html)
    return parser.found or {}


def admin_preview(client, page, language: str) -> tuple[str, str]:
    """(HTML, text) exactly as the admin's preview screen shows them."""
    url = reverse("cms_email_preview:preview", args=[page.pk])
    body = client.get(f"{url}?language={language}").content.decode()
    srcdoc = re.search(r'srcdoc="([^"]*)"', body).group(1)
    text = re.search(r'<pre style="white-space:pre-wrap;">(.*?)</pre>', body, re.S)
    # The preview's one addition: its links open a new tab (cms.admin_views).
    html = html_lib.unescape(srcdoc).replace('<base target="_blank">', "", 1)
    return html, html_lib.unescape(text.group(1))


def test_the_chrome_is_translated_in_every_language():
    msgids = chrome_msgids()
    assert {"Unsubscribe", "Your preferences", "Phone", "Read more"} <= msgids
    for language in LANGUAGES[1:]:
        with translation.override(language):
            untranslated = [m for m in msgids if translation.gettext(m) == m]
        assert untranslated == [], language


def test_sent_email_is_the_admin_preview_in_the_readers_language(
    client, bulletin, outbox_dir
):
    audience = lists(1)
    for language in LANGUAGES:
        subscribe(f"reader-{language}@example.org", audience, language=language)
    admin = SuperuserFactory()
    client.force_login(admin)
    previews = {code: admin_preview(client, bulletin, code) for code in LANGUAGES}

    mailing = control.create_mailing(
        user=admin, page=bulletin, list_ids=[audience[0].pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    assert starting.start_mailing(mailing_id=mailing.pk) == 6
    # The biggest language's batch first, the other five once they are rendered.
    while sending.send_batch(mailing_id=mailing.pk):
        pass
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 6

    assert dict(Delivery.objects.values_list("subscriber__language", "language")) == {
        code: code for code in LANGUAGES
    }, "each reader's own language, though the page has only English"
    renditions = MailingRendition.objects.filter(mailing=mailing)
    assert {r.language: r.content_language for r in renditions} == dict.fromkeys(
        LANGUAGES, "en"
    )
    messages = [outbox.read_message(name) for name in outbox.list_messages()]
    assert len(messages) == 6
    chrome = chrome_msgids()
    for message in messages:
        subscriber = Subscriber.objects.with_email(message["To"]).get()
        language = subscriber.language
        # Line ends as MIME carries them (CRLF) are the transport's, not the message's.
        text, html = (part.replace("\r\n", "\n") for part in outbox.body_parts(message))
        preview_html, preview_text = previews[language]

        # Per-recipient links become the preview's sample link (staff read a link, not
        # a merge tag): the rest is identical.
        merged = [
            re.search(r'href="([^"]*/unsubscribe/[^"]*)"', html),
            re.search(r'href="([^"]*/preferences/[^"]*)"', html),
        ]
        for match in merged:
            url = match.group(1)
            assert url.startswith(
                settings.WAGTAILADMIN_BASE_URL
                + ("" if language == "en" else f"/{language}/")
            ), "the links keep the reader's prefix"
            sample = sample_link(language)
            html, text = html.replace(url, sample), text.replace(url, sample)
        # So does the footer's reason: the reader's list, where the preview (no
        # mailing, no lists yet) says "one of our lists".
        with translation.override(language):
            reason = reason_line([audience[0].translated("name", language)])
            generic = reason_line([])
        assert reason in html, language
        assert reason in text, language
        html, text = html.replace(reason, generic), text.replace(reason, generic)
        assert html == preview_html, language
        assert text == preview_text, language

        direction = "rtl" if language == "ar" else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in html
        content = element_attrs(html, "content")
        assert (content["lang"], content["dir"]) == ("en", "ltr"), "English, marked"
        view = f"{settings.WAGTAILADMIN_BASE_URL}/{language}/bulletins/"
        with translation.override(language):
            office = translation.gettext("Office of New Americans")
        assert office in html, "the masthead names the office in the reader's language"
        if language != "en":
            assert f'href="{view}' in html, "view in browser keeps the prefix"
            for msgid in chrome:
                with translation.override(language):
                    translated = translation.gettext(msgid)
                assert translated in html + text or msgid in (
                    "Links",
                    "Cancelled",
                    "No upcoming events right now.",
                    # Only on machine-translated content; this bulletin is English.
                    "This message was translated by machine and may contain mistakes.",
                ), (language, msgid)
                assert not re.search(rf"\b{re.escape(msgid)}\b", html + text), (
                    f"English chrome {msgid!r} in the {language} e-mail"
                )
    arabic = next(m for m in messages if m["To"] == "reader-ar@example.org")
    text, html = outbox.body_parts(arabic)
    assert "\u2066312-660-1370\u2069" in text, "isolated in the Arabic text part"
    # Isolated, and kept on one line (the e-mail's stylesheet, inlined).
    assert (
        '<span class="nowrap" dir="ltr" style="white-space: nowrap;">312-660-1370</span>'
        in html
    )
    assert 'href="tel:+13126601370"' in html


def test_read_more_names_its_story_to_a_screen_reader_in_every_language(bulletin):
    """As on the web: "Read more" plus the title hidden from sight, with a style that
    mail clients which drop it (Gmail strips position) turn into visible text, never
    into text hidden from screen readers too (display:none, mso-hide)."""
    for language in LANGUAGES:
        html = render_email(bulletin, language=language).html
        link = re.search(
            r'<a href="https://immigrantjustice.org/"[^>]*>(.*?)</a>', html, re.S
        ).group(1)
        with translation.override(language):
            read_more = translation.gettext("Read more")
            # The language's own colon: full-width in Chinese ("阅读更多：…").
            colon = label_colon()
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", link))
        assert text == f"{read_more}{colon}Refugee ban remains blocked", language
        hidden = re.search(
            rf'<span [^>]*style="([^"]*)">{re.escape(colon)}Refugee', link
        ).group(1)
        rules = hidden.replace(" ", "")
        assert "clip" in rules, hidden
        assert "position:absolute" in rules, hidden
        assert "display:none" not in rules, hidden
        assert "mso-hide" not in rules, hidden
