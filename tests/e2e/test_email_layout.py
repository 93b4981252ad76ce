"""E-mails as a phone shows them, in Debian's Chromium at 390 px: the confirmation,
preferences-link and test e-mails in six languages never scroll sideways, and an
Arabic guest's e-mail shows its calendar links and phone numbers in reading order."""

import pytest
from django.conf import settings

from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import GuestMessage
from tests.e2e.test_reader_languages import (
    LINKS_OUT_OF_ORDER,
    MEASURE,
    PHONE,
    VISUAL_ORDER,
)
from tests.events.guests import arabic_guest_with_update
from tests.factories import MailingListFactory
from tests.subscribers.link_emails import link_emails

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PHONE_WIDTH = 390


def test_subscriber_and_test_emails_fit_a_phone_in_six_languages(open_page):
    browser_page = open_page(width=PHONE_WIDTH, height=800)
    mailing_list = MailingListFactory(name="Legal Protection/Services")
    too_wide = []
    for language in LANGUAGES:
        for name, html in link_emails(language, mailing_list).items():
            browser_page.set_content(html)
            found = browser_page.evaluate(MEASURE)
            if found["scrollWidth"] > PHONE_WIDTH:
                too_wide.append(f"{name} in {language}: {found['scrollWidth']}px")
    assert too_wide == []


def test_an_arabic_guest_email_reads_in_order(open_page, home_page):
    omar, notice = arabic_guest_with_update(PHONE)
    browser_page = open_page(width=PHONE_WIDTH, height=800)
    for kind in (CONFIRMATION, GuestMessage.Kind.UPDATE):
        message = build_guest_email(rsvp=omar, kind=kind, notice=notice)
        ((html, _type),) = message.alternatives
        browser_page.set_content(html)
        assert browser_page.evaluate(MEASURE)["scrollWidth"] <= PHONE_WIDTH
        row = browser_page.locator("p:has(a[href*='calendar.google'])")
        assert row.evaluate(LINKS_OUT_OF_ORDER) == [], f"{kind}: Outlook.com first"
    shown = browser_page.locator("p", has_text="للأسئلة").evaluate(VISUAL_ORDER)
    assert PHONE in shown
