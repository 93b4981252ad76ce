"""Chinese runs its sentences and labels on without a space ("有效。如果", "电话：311"):
two sentences translated apart were joined with a space ("有效。 如果") and a label
had an ASCII colon and a space ("电话: 311"), as the English template wrote them."""

import pytest
from django.core import mail
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
    assert "电话</span>：<a" in html
    assert "电话：312-744-1906" in text
    assert "：https://www.chicago.gov/cdph" in text


def test_a_spanish_phone_label_keeps_colon_and_space():
    html, text = resource("es")
    assert "Teléfono</span>: <a" in html
    assert "Teléfono: 312-744-1906" in text
