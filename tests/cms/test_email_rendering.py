"""render_email: the interface the mailings pipeline relies on."""

from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from cms.email.rendering import MERGE_PLACEHOLDERS, RenderedEmail, render_email
from cms.mail import outbox
from cms.mail.services import send_test_email
from cms.models import AlertPage
from tests.factories import (
    SuperuserFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.classed_without_style, self.html_attrs = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.urls.append(attrs[name])
        if attrs.get("class") and not attrs.get("style"):
            self.classed_without_style.append((tag, attrs["class"]))


def parse(html: str) -> Collect:
    collected = Collect()
    collected.feed(html)
    return collected


@pytest.fixture
def bulletin(home_page):
    event = build_event(title="Leadership summit", kind="leadership_summit")
    return build_bulletin(
        title="Immigration quick update",
        summary="Refugee ban remains blocked; know your safety plan.",
        body=[
            ("heading", {"text": "News", "level": "h2"}),
            (
                "paragraph",
                '<p>See <a href="/bulletins/">the archive</a> and '
                f'<a linktype="page" id="{event.pk}">the summit</a>.</p>'
                "<ul><li>One</li><li>Two</li></ul>",
            ),
            (
                "call_to_action",
                {"text": "", "label": "RSVP", "page": event.pk, "url": ""},
            ),
            (
                "event_listing",
                {"title": "Events", "events": [], "kinds": [], "limit": 3},
            ),
        ],
    )


def test_interface_shape_and_placeholders(bulletin):
    rendered = render_email(bulletin, language="en", base_url="https://ona.example.org")

    assert isinstance(rendered, RenderedEmail)
    assert rendered.subject == "Immigration quick update"
    assert rendered.preheader == "Refugee ban remains blocked; know your safety plan."
    assert MERGE_PLACEHOLDERS == (
        "%%UNSUBSCRIBE_URL%%",
        "%%PREFERENCES_URL%%",
        "%%NAME%%",
        "%%REASON%%",
    )
    for placeholder in (*MERGE_PLACEHOLDERS[:2], "%%REASON%%"):
        assert placeholder in rendered.html
        assert placeholder in rendered.text
    assert "121 N LaSalle St" in rendered.html
    assert "121 N LaSalle St" in rendered.text
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert "<table" in rendered.html
    assert rendered.preheader in rendered.html


def test_css_is_inlined_and_every_url_is_absolute(bulletin):
    rendered = render_email(bulletin, language="es", base_url="https://ona.example.org")
    parsed = parse(rendered.html)

    assert "<style" not in rendered.html
    assert parsed.classed_without_style == [], "a class whose rules were not inlined"
    assert parsed.urls
    for url in parsed.urls:
        assert url.startswith(
            ("https://ona.example.org/", "https://", "%%", "mailto:", "tel:")
        ), url
    # Links keep the Spanish reader's prefix, translated or not (issue 13).
    view = "https://ona.example.org/es/bulletins/immigration-quick-update/"
    assert view in parsed.urls, "view in browser link"
    assert "https://ona.example.org/bulletins/" in parsed.urls, "as the author typed it"
    assert "https://ona.example.org/es/events/leadership-summit/" in parsed.urls
    assert "https://ona.example.org/events/leadership-summit/" not in parsed.urls


def test_arabic_email_is_right_to_left_with_arabic_fixed_text(bulletin):
    translate_page(bulletin, "ar", title="تحديث سريع للهجرة")
    rendered = render_email(bulletin, language="ar")
    attrs = parse(rendered.html).html_attrs

    assert attrs == {"lang": "ar", "dir": "rtl"}
    assert rendered.subject == "تحديث سريع للهجرة"
    assert (
        'lang="ar" dir="rtl"' in rendered.html or 'dir="rtl" lang="ar"' in rendered.html
    )
    assert "إلغاء الاشتراك" in rendered.html  # "Unsubscribe"


def spanish(text: str) -> str:
    with translation.override("es"):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has a Spanish translation"
    return translated


def test_missing_translation_falls_back_to_the_default_locale(bulletin):
    draft = translate_page(bulletin, "es", title="Borrador")
    Page.objects.filter(pk=draft.pk).update(live=False)
    rendered = render_email(bulletin, language="es")

    assert parse(rendered.html).html_attrs == {"lang": "es", "dir": "ltr"}
    assert rendered.subject == "Immigration quick update"
    assert 'lang="en"' in rendered.html, "the English content is marked as English"
    assert spanish("Unsubscribe") in rendered.html


def test_a_translation_renders_its_translation_and_a_revision_renders_its_draft(
    bulletin,
):
    spanish = translate_page(bulletin, "pl", title="Szybka aktualizacja")
    assert render_email(spanish, language="pl").subject == "Szybka aktualizacja"
    assert render_email(bulletin, language="pl").subject == "Szybka aktualizacja"

    bulletin.title = "Draft title not yet published"
    revision = bulletin.save_revision()
    rendered = render_email(revision.as_object(), language="en")
    assert rendered.subject == "Draft title not yet published"


def test_text_part_is_composed_from_blocks_with_links_listed(bulletin):
    text = render_email(
        bulletin, language="en", base_url="https://ona.example.org"
    ).text

    assert "<" not in text
    assert "&amp;" not in text
    assert "NEWS\n====" in text
    assert "- One\n- Two" in text
    assert "the archive [" in text
    assert "Links:\n[1] https://ona.example.org/bulletins/" in text
    assert ">> RSVP: https://ona.example.org/events/leadership-summit/" in text
    assert "Leadership summit" in text


def test_alert_and_event_pages_are_mailable(home_page):
    event = build_event(
        title="Press conference and rally",
        kind="press_conference",
        venue="Department of Homeland Security",
        address="525 W Van Buren St",
    )
    index = build_bulletin_index()
    alert = AlertPage(
        title="Rally today at 4:30pm",
        message="<p>Join us at the DHS office.</p>",
        event=event,
    )
    index.add_child(instance=alert)
    alert.save_revision().publish()

    alert_mail = render_email(alert, language="en")
    event_mail = render_email(event, language="hi")

    assert "Join us at the DHS office." in alert_mail.text
    assert "Press conference and rally" in alert_mail.html
    assert alert_mail.preheader == "Join us at the DHS office."
    assert "525 W Van Buren St" in event_mail.html
    assert parse(event_mail.html).html_attrs == {"lang": "hi", "dir": "ltr"}


class Headings(HTMLParser):
    """Each heading's level, text and inlined style, in order."""

    def __init__(self):
        super().__init__()
        self.found: list[list[str]] = []
        self.open = False

    def handle_starttag(self, tag, attrs):
        self.open = tag in ("h1", "h2", "h3", "h4")
        if self.open:
            self.found.append([tag, "", dict(attrs).get("style") or ""])

    def handle_endtag(self, tag):
        self.open = False

    def handle_data(self, data):
        if self.open:
            self.found[-1][1] += data


def headings(html: str) -> list[list[str]]:
    parser = Headings()
    parser.feed(html)
    return parser.found


def test_news_items_and_event_cards_are_headings(home_page):
    """A screen reader's list of headings found "News" and "Events" and none of the
    items under them: their titles were bold paragraphs. They are h3 under a
    section's h2, as on the website (an alert's event card, under the title, h2),
    drawn as before."""
    event = build_event(title="Leadership summit", kind="leadership_summit")
    page = build_bulletin(
        title="Immigration quick update",
        body=[
            ("heading", {"text": "News", "level": "h2"}),
            (
                "news_item",
                {"title": "Refugee ban remains blocked", "summary": "A court said so."},
            ),
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 3},
            ),
        ],
    )
    found = headings(render_email(page, language="en").html)
    assert [(level, text.strip()) for level, text, _style in found] == [
        ("h1", "Immigration quick update"),
        ("h2", "News"),
        ("h3", "Refugee ban remains blocked"),
        ("h2", "Events"),
        ("h3", "Leadership summit"),
    ]
    for level, _text, style in found[2::2]:
        assert "font-size: 17px" in style, (level, style)
        assert "margin: 0 0 10px 0" in style, (level, style)

    index = build_bulletin_index()
    alert = AlertPage(title="Rally today", message="<p>Join us.</p>", event=event)
    index.add_child(instance=alert)
    alert.save_revision().publish()
    found = headings(render_email(alert, language="ar").html)
    assert [level for level, _text, _style in found] == ["h1", "h2"]
    assert found[1][1].strip() == "Leadership summit"


def test_hidden_address_never_reaches_a_bulk_email(home_page):
    event = build_event(
        title="Know Your Rights session",
        kind="know_your_rights",
        venue="A church hall",
        address="1 Secret St",
        hide_address=True,
        rsvp_mode="internal",
    )
    rendered = render_email(event, language="en")
    assert "1 Secret St" not in rendered.html
    assert "1 Secret St" not in rendered.text
    assert "A church hall" in rendered.html


def test_email_preview_mode(bulletin):
    assert ("email", "E-mail") in [
        (m, str(label)) for m, label in bulletin.preview_modes
    ]
    request = RequestFactory().get("/")
    request.user = SuperuserFactory()
    response = bulletin.serve_preview(request, "email")
    assert response.status_code == 200
    html = response.content.decode()
    # As the reader gets it, and as the admin's e-mail preview shows it: links, not
    # merge tags, each opening a new tab. In the editor's preview panel a link
    # loaded its page inside the panel's frame, which our pages refuse (an error).
    assert "%%" not in html
    assert 'href="%%UNSUBSCRIBE_URL%%"' not in html
    assert '<base target="_blank">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_previews_the_email_in_each_language(client, bulletin, language):
    client.force_login(SuperuserFactory())
    url = reverse("cms_email_preview:preview", args=[bulletin.pk])

    response = client.get(url, {"language": language})

    assert response.status_code == 200
    body = response.content.decode()
    assert "sandbox" in body
    assert f"lang=&quot;{language}&quot;" in body
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[bulletin.pk]))
    assert url in edit.content.decode(), "the page header links to the preview"


def test_the_preview_shows_the_subject_and_preheader_in_their_direction(
    client, bulletin
):
    """Found by the editor tester: the Arabic subject and preheader sat in the admin's
    left-to-right page, the preheader's full stop at its start; a subject that falls
    back to English stays left to right in the Arabic preview."""
    client.force_login(SuperuserFactory())
    url = reverse("cms_email_preview:preview", args=[bulletin.pk])
    english = client.get(url, {"language": "ar"}).content.decode()
    assert '<p id="preview-subject" lang="en" dir="ltr">' in english

    translate_page(bulletin, "ar", title="نشرة مارس", summary="مساعدة قانونية.")
    arabic = client.get(url, {"language": "ar"}).content.decode()
    assert '<p id="preview-subject" lang="ar" dir="rtl">نشرة مارس</p>' in arabic
    assert '<p id="preview-preheader" lang="ar" dir="rtl">مساعدة قانونية.</p>' in arabic


def test_the_preview_says_when_what_it_shows_is_not_what_a_mailing_sends(
    client, bulletin
):
    """Found by the editor tester: the preview (and its test) show the latest draft, a
    mailing the published page; a translation typed but not published was only "no
    published translation", as if nobody had translated it. Both are said, with the
    way to the translation."""
    from wagtail.models import Locale

    client.force_login(SuperuserFactory())
    url = reverse("cms_email_preview:preview", args=[bulletin.pk])
    clean = client.get(url, {"language": "ar"}).content.decode()
    assert 'id="draft-unpublished"' not in clean
    assert 'id="translation-waiting"' not in clean

    arabic = bulletin.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    arabic.save_revision()
    bulletin.summary = "Legal help: who to call."
    bulletin.save_revision()
    shown = client.get(url, {"language": "ar"}).content.decode()
    assert 'id="draft-unpublished"' in shown
    assert "a mailing sends the published version" in shown
    assert (
        f'<a href="/admin/pages/{arabic.pk}/edit/" id="translation-waiting">' in shown
    )
    assert (
        'id="translation-waiting"'
        not in client.get(url, {"language": "es"}).content.decode()
    )


def test_admin_preview_refuses_non_mailable_pages_and_outsiders(
    client, home_page, bulletin
):
    client.force_login(SuperuserFactory())
    assert (
        client.get(
            reverse("cms_email_preview:preview", args=[home_page.pk])
        ).status_code
        == 404
    )
    client.logout()
    assert (
        client.get(reverse("cms_email_preview:preview", args=[bulletin.pk])).status_code
        == 302
    )


def test_send_test_service_renders_the_page_with_placeholders_filled(
    bulletin, outbox_dir
):
    user = SuperuserFactory(email="staff@staff.example.org", first_name="Ana")

    assert send_test_email(user_id=user.pk, language="es", page_id=bulletin.pk)

    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    text, html = outbox.body_parts(message)
    assert message["Subject"] == "[Prueba] Immigration quick update"
    # Not translated into Spanish: English content in the Spanish reader's chrome.
    assert message["Content-Language"] == "en, es"
    assert message["To"] == "staff@staff.example.org"
    assert "%%" not in html
    assert "%%" not in text
    assert spanish("Unsubscribe") in html
