"""A translation published with passages nobody translated (wagtail-localize allows it,
and every "Sync translated pages" after an English edit makes some) is flagged on the
mailing screen and the e-mail preview, never reported as simply "their language"
(found by the staff tester, M1: an English paragraph reached Arabic readers unsaid)."""

import re

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from campaigns.mailings.services import control
from cms.email.rendering import render_email
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db

FIXED_PARAGRAPH = "Ask an immigration lawyer before you sign."


def translate_through_localize(
    page, language: str, on_commit, *, leave_out=(), word: str = "passage"
):
    """Translate ``page`` in wagtail-localize's way, every passage but those whose
    English is in ``leave_out``, and publish it (as "Publish" in its editor does)."""
    locale = Locale.objects.get(language_code=language)
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale
    )
    for segment in StringSegment.objects.filter(source=source).select_related(
        "string", "context"
    ):
        if segment.string.data in leave_out:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": f"[{language}] {word} {segment.pk}",
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
    with on_commit(execute=True):  # wagtail-localize publishes then
        translation.save_target(publish=True)
    return page.get_translation(locale).specific


@pytest.fixture
def bulletin(home_page, django_capture_on_commit_callbacks):
    page = build_bulletin(
        title="December bulletin",
        summary="Legal help and winter resources",
        body=[
            ("paragraph", "<p>Free legal clinics every Saturday.</p>"),
            ("paragraph", f"<p>{FIXED_PARAGRAPH}</p>"),
        ],
    )
    translate_through_localize(page, "es", django_capture_on_commit_callbacks)
    translate_through_localize(
        page, "ar", django_capture_on_commit_callbacks, leave_out={FIXED_PARAGRAPH}
    )
    return page


def what_each_language_gets(client, page) -> dict[str, str]:
    """{language: the mailing draft screen's "What they get" cell}."""
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal], language="es")
    subscribe("omar@example.org", [legal], language="ar")
    user = SuperuserFactory()
    mailing = control.create_mailing(user=user, page=page, list_ids=[legal.pk])
    client.force_login(user)
    body = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    table = body.content.decode().split('id="reader-languages"')[1]
    table = table.split("</table>")[0]
    return {
        code: table.split(f'data-language="{code}"')[1].split("</tr>")[0]
        for code in ("es", "ar")
    }


def preview_note(client, page, language: str) -> str:
    client.force_login(SuperuserFactory(username="previewer"))
    url = reverse("cms_email_preview:preview", args=[page.pk])
    html = client.get(url, {"language": language}).content.decode()
    return html.split('id="content-language">')[1].split("</p>")[0]


def test_the_english_passage_really_reaches_arabic_readers(bulletin):
    """What the screens must not hide: the Arabic e-mail carries the English text."""
    assert FIXED_PARAGRAPH in render_email(bulletin, language="ar").html
    assert FIXED_PARAGRAPH not in render_email(bulletin, language="es").html


def test_the_mailing_screen_says_which_language_has_english_passages(client, bulletin):
    rows = what_each_language_gets(client, bulletin)

    assert "their language" in rows["es"]
    assert "still in English" not in rows["es"]
    assert "their language, but 1 passage is still in English." in rows["ar"]
    arabic = bulletin.get_translation(Locale.objects.get(language_code="ar"))
    edit = reverse("wagtailadmin_pages:edit", args=[arabic.pk])
    assert f'<a href="{edit}">Open the translation to finish it.</a>' in rows["ar"]


def test_the_e_mail_preview_says_so_in_that_language_only(client, bulletin):
    spanish = preview_note(client, bulletin, "es")
    arabic = preview_note(client, bulletin, "ar")

    assert spanish == "This language gets its own translation."
    assert (
        "This language gets its own translation, but 1 passage is still in English: "
        "its readers get that passage in English." in arabic
    )
    assert "Open the translation to finish it." in arabic


def test_the_e_mail_preview_in_english_says_it_is_the_written_text(client, bulletin):
    """Staff composing in English saw "This language gets its own translation." on
    their own bulletin's English preview and wondered which translation English
    readers get (found composing a bulletin from scratch)."""
    english = preview_note(client, bulletin, "en")

    assert english == (
        "This is the language the page is written in: its readers get the text as "
        "written."
    )
    # Previewed from its Spanish translation's page, English is still the original.
    spanish_page = bulletin.get_translation(Locale.objects.get(language_code="es"))
    assert preview_note(client, spanish_page, "en") == english
    assert preview_note(client, spanish_page, "es") == (
        "This language gets its own translation."
    )


def test_once_every_passage_is_translated_nothing_is_flagged(
    client, bulletin, django_capture_on_commit_callbacks
):
    translate_through_localize(bulletin, "ar", django_capture_on_commit_callbacks)

    assert FIXED_PARAGRAPH not in render_email(bulletin, language="ar").html
    rows = what_each_language_gets(client, bulletin)
    assert "still in English" not in rows["ar"]
    assert "their language" in rows["ar"]
    assert preview_note(client, bulletin, "ar") == (
        "This language gets its own translation."
    )


def test_the_check_costs_the_same_however_long_the_page_is(
    bulletin, django_assert_max_num_queries
):
    from cms.translation_progress import untranslated_passages

    with django_assert_max_num_queries(3):
        assert untranslated_passages(bulletin) == {"ar": 1}


def test_a_slug_left_in_english_is_not_a_passage(
    bulletin, django_capture_on_commit_callbacks
):
    """Translators rarely open the Promote tab, and no reader meets the slug: a
    translation with every passage but its slug is complete (counted, every
    translation was "1 passage still in English")."""
    from cms.translation_progress import untranslated_passages

    translate_through_localize(
        bulletin, "pl", django_capture_on_commit_callbacks, leave_out={bulletin.slug}
    )
    assert untranslated_passages(bulletin) == {"ar": 1}


NEWS_SUMMARY = "Travellers from the seven countries may enter while the case continues."
BUTTON = "Call (202) 224-3121"


def marked_english(html: str, passage: str) -> bool:
    """Whether the element right around ``passage`` (a pattern) is marked English
    and left to right (in any order of attributes: the e-mail's inliner adds
    styles)."""
    found = re.search(rf"<\w+([^>]*)>{passage}", html)
    assert found, passage
    return 'lang="en"' in found.group(1) and 'dir="ltr"' in found.group(1)


def test_a_passage_left_in_english_reads_left_to_right_on_the_arabic_page_and_e_mail(
    client, home_page, django_capture_on_commit_callbacks
):
    """Found composing a bulletin and publishing its Arabic translation with passages
    still in English: inside the right-to-left page and e-mail the English sentence's
    full stop jumped to its start (".continues") and the button read
    "(202) 224-3121 Call". Such a passage now carries its own lang and direction; the
    translated ones carry none (they take the page's)."""
    page = build_bulletin(
        title="March bulletin",
        summary="Legal help.",
        body=[
            (
                "news_item",
                {"title": "Refugee ban remains blocked", "summary": NEWS_SUMMARY},
            ),
            (
                "call_to_action",
                {"text": "Call your Senators.", "label": BUTTON, "url": "tel:+1202"},
            ),
            ("paragraph", f"<p>{FIXED_PARAGRAPH}</p>"),
        ],
    )
    arabic = translate_through_localize(
        page,
        "ar",
        django_capture_on_commit_callbacks,
        leave_out={NEWS_SUMMARY, BUTTON, FIXED_PARAGRAPH},
        word="مقطع",
    )
    web = client.get(arabic.url).content.decode()
    mail = render_email(page, language="ar").html

    for html in (web, mail):
        assert marked_english(html, re.escape(NEWS_SUMMARY))
        assert marked_english(html, r"Call <span"), "the button"
        assert marked_english(html, rf"<p[^>]*>{FIXED_PARAGRAPH}")
        # The translated passages read in the page's own language and direction.
        heading = re.search(r"<h3([^>]*)>\[ar\] مقطع", html)
        assert heading
        assert 'lang="en"' not in heading.group(1)
    # Nothing changes where the reader's language shares English's script.
    spanish = render_email(page, language="es").html
    assert not marked_english(spanish, re.escape(NEWS_SUMMARY))
