"""Chinese runs its sentences and labels on without a space ("有效。如果", "电话：311"):
two sentences translated apart were joined with a space ("有效。 如果") and a label
had an ASCII colon and a space ("电话: 311"), as the English template wrote them."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from cms.blocks import ResourceBlock
from cms.email.text import Links
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def link_mails(language: str) -> list[tuple[str, str]]:
    """The confirmation and the preferences link e-mails: (text, html) each."""
    person = make_subscriber(f"reader-{language}@example.org", language=language)
    send_confirmation_email(
        subscriber=person,
        list_ids=[MailingListFactory().pk],
        page_id=None,
        language=language,
    )
    send_preferences_link_email(subscriber=person)
    assert len(mail.outbox) == 2
    return [(m.body, m.alternatives[0][0]) for m in mail.outbox]


def test_chinese_link_mails_join_their_sentences_without_a_space():
    confirm, link = link_mails("zh-hans")
    for part in (*confirm, *link):
        assert "有效。如果" in part or "已失效。如果" in part, part
        assert "。 " not in part


def test_other_languages_keep_the_space_between_sentences():
    confirm, link = link_mails("es")
    for part in (*confirm, *link):
        assert ". Si " in part, part


def resource(language: str) -> tuple[str, str]:
    block = ResourceBlock()
    value = block.to_python(
        {
            "organisation": "Chicago Department of Public Health",
            "category": "health",
            "description": "Free clinics.",
            "phone": "312-744-1906",
            "web_address": "https://www.chicago.gov/cdph",
        }
    )
    with translation.override(language):
        return block.render(value), block.render_text(value, Links("https://x.test/"))


def test_a_chinese_phone_label_takes_the_full_width_colon():
    html, text = resource("zh-hans")
    assert "电话：<a" in html
    assert "网站：<a" in html
    assert "电话：312-744-1906" in text
    assert "：https://www.chicago.gov/cdph" in text


def test_a_spanish_phone_label_keeps_colon_and_space():
    html, text = resource("es")
    assert "Teléfono: <a" in html
    assert "Sitio web: <a" in html
    assert "Teléfono: 312-744-1906" in text


# A translated label followed by a colon typed into the template: "时间: " where
# Chinese writes "时间：". Labels take {% label_colon %} (or {% colon %} at a line's
# or an element's end), which asks the catalogue.
# A translated value shown as a label ("{{ label }}: <a ...>", an event kind's) too.
TYPED_COLON = re.compile(
    r'(translate "[^"]+" %\}|endblocktranslate %\}|endif %\})(</\w+>)?:'
    r"|\{\{ [a-z_.]+ \}\}: <"
)


def test_no_template_types_a_colon_after_a_translated_label():
    root = Path(settings.BASE_DIR) / "templates"
    typed = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.*"))
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TYPED_COLON.search(line)
    ]
    assert typed == []


# A label whose msgid carries its colon, with a space typed after it: Chinese then
# reads "请愿页面： http…". In e-mails every such label takes {% label_colon %}.
# (A msgid ending in a colon at the end of its line or element is a sentence leading
# to what follows and is left alone.)
COLON_IN_MSGID = re.compile(r'translate "[^"]+:" %\} ')


def test_no_email_template_types_a_space_after_a_colon_in_a_msgid():
    root = Path(settings.BASE_DIR) / "templates" / "email"
    typed = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.*"))
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if COLON_IN_MSGID.search(line)
    ]
    assert typed == []


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "时间："), ("es", "Cuándo: ")]
)
def test_a_guest_message_labels_when_in_the_readers_form(language, label):
    with translation.override(language):
        text = render_to_string(
            "email/guest_message.txt",
            {
                "event": SimpleNamespace(title="Rally", when_display="1 May"),
                "changes": [],
            },
        )
    assert f"{label}1 May" in text
