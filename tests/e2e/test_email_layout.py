"""E-mails as a phone shows them, in Debian's Chromium at 390 px: the confirmation,
preferences-link and test e-mails in six languages never scroll sideways."""

import pytest
from django.conf import settings
from django.core import mail

from cms.mail.services import send_test_email
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.e2e.test_reader_languages import MEASURE
from tests.factories import MailingListFactory, SuperuserFactory, make_subscriber

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PHONE_WIDTH = 390


def sent_html() -> str:
    (message,) = mail.outbox
    mail.outbox.clear()
    ((html, _type),) = message.alternatives
    return html


def subscriber_emails(language: str, mailing_list) -> dict[str, str]:
    subscriber = make_subscriber(f"ana-{language}@example.org", language=language)
    staff = SuperuserFactory(email=f"staff-{language}@example.org")
    send_confirmation_email(
        subscriber=subscriber,
        list_ids=[mailing_list.pk],
        page_id=None,
        language=language,
    )
    emails = {"confirmation": sent_html()}
    send_preferences_link_email(subscriber=subscriber)
    emails["preferences link"] = sent_html()
    send_test_email(user_id=staff.pk, language=language)
    emails["test message"] = sent_html()
    return emails


def test_subscriber_and_test_emails_fit_a_phone_in_six_languages(open_page):
    browser_page = open_page(width=PHONE_WIDTH, height=800)
    mailing_list = MailingListFactory(name="Legal Protection/Services")
    too_wide = []
    for language in LANGUAGES:
        for name, html in subscriber_emails(language, mailing_list).items():
            browser_page.set_content(html)
            found = browser_page.evaluate(MEASURE)
            if found["scrollWidth"] > PHONE_WIDTH:
                too_wide.append(f"{name} in {language}: {found['scrollWidth']}px")
    assert too_wide == []
