"""The Content-Language of a bulletin as it arrives, read from the real messages in the
file outbox. RFC 3282: the header names the language(s) of the content, and may list
several. A bulletin not translated into the reader's language is English inside the
reader's chrome (its HTML marks the English part lang="en"); its header said only the
reader's language, so a client reading one tag (the text part has no other mark of
its language) took the English text for Arabic."""

import re

import pytest

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import control, sending, starting
from cms.mail import outbox
from cms.mail.services import send_test_email
from subscribers.models import Subscriber
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import SuperuserFactory, build_bulletin, translate_page

pytestmark = pytest.mark.django_db

READERS = ["en", "es", "ar"]


@pytest.fixture
def bulletin(home_page):
    page = build_bulletin(
        title="Know your rights", body=[("paragraph", "<p>Bring your questions.</p>")]
    )
    translate_page(page, "es", title="Conozca sus derechos")
    return page


def received() -> dict:
    """Each reader's message, by the reader's language."""
    messages = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        language = Subscriber.objects.with_email(message["To"]).get().language
        messages[language] = message
    return messages


def test_an_untranslated_bulletin_names_its_english_and_the_readers_chrome(
    bulletin, outbox_dir
):
    audience = lists(1)
    for language in READERS:
        subscribe(f"reader-{language}@example.org", audience, language=language)
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=bulletin, list_ids=[audience[0].pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    assert starting.start_mailing(mailing_id=mailing.pk) == len(READERS)
    while sending.send_batch(mailing_id=mailing.pk):
        pass

    messages = received()
    arabic = messages["ar"]
    assert arabic["Content-Language"] == "en, ar"
    _text, html = outbox.body_parts(arabic)
    # What the header says is what the HTML says: Arabic chrome, English content.
    assert re.search(r'<html lang="ar" dir="rtl"', html)
    assert re.search(r'lang="en" dir="ltr"[^>]*>', html)
    assert "Bring your questions." in html
    # Readers whose language the page is in get that one language.
    assert messages["es"]["Content-Language"] == "es"
    assert messages["en"]["Content-Language"] == "en"


def test_a_test_copy_names_both_languages_as_the_readers_copy_does(
    bulletin, outbox_dir
):
    staff = SuperuserFactory(email="staff@staff.example.org")
    for language in ("ar", "es"):
        assert send_test_email(user_id=staff.pk, language=language, page_id=bulletin.pk)
    headers = sorted(
        str(outbox.read_message(name)["Content-Language"])
        for name in outbox.list_messages()
    )
    assert headers == ["en, ar", "es"]
