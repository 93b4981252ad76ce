"""An e-mail's <title> is what a screen reader announces first and what some mail
clients show for a message opened on its own: the one-person e-mails (the subscribers'
own, the staff test message) titled every message with the office's name alone, where
the petition's verification and the milestone e-mail said their subject."""

import html
import re

import pytest
from django.core import mail

from cms.mail.services import send_test_email
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.factories import MailingListFactory, SuperuserFactory, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def title(message) -> str:
    ((body, _type),) = message.alternatives
    return html.unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1))


@pytest.mark.parametrize("language", ["en", "ar", "pl"])
def test_each_message_is_titled_with_its_subject(language):
    reader = make_subscriber("omar@example.org", language=language)
    send_confirmation_email(
        subscriber=reader,
        list_ids=[MailingListFactory().pk],
        page_id=None,
        language=language,
    )
    send_preferences_link_email(subscriber=reader)
    send_test_email(user_id=SuperuserFactory().pk, language=language)

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert title(message) == message.subject
