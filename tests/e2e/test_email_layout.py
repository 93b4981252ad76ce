"""E-mails as a phone shows them, in Debian's Chromium at 390 px: the confirmation,
preferences-link and test e-mails in six languages never scroll sideways, nor does a
bulletin whose blocks carry long web addresses (down to 320 px), and an Arabic guest's
e-mail shows its calendar links, phone numbers and the organizer's English words in
reading order."""

import pytest
from django.conf import settings

from cms.email.rendering import render_email
from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import GuestMessage
from tests.e2e.test_reader_languages import (
    LINKS_OUT_OF_ORDER,
    MEASURE,
    PHONE,
    VISUAL_ORDER,
)
from tests.events.guests import arabic_guest_with_update, guest_with_update
from tests.factories import MailingListFactory, build_bulletin
from tests.subscribers.link_emails import link_emails

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PHONE_WIDTH = 390
SMALL_PHONE_WIDTHS = (320, 360, 390)
# No break opportunity for 48 characters: wider than 320 px at the e-mail's 16 px.
LONG_URL = "https://www.luriechildrens.org/youarenotalone/support-for-families-and-kids"


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


def bulletin_with_long_web_addresses(home_page):
    """A bulletin whose resource shows its long address, and whose news item, call to
    action and paragraph link to (or quote) long addresses."""
    return build_bulletin(
        title="Resources for Chicago immigrants and refugees",
        summary="Help for families.",
        body=[
            (
                "resource",
                {
                    "organisation": "Lurie Children's Hospital",
                    "category": "health",
                    "phone": "312-227-4000",
                    "web_address": LONG_URL,
                    "description": "You are not alone: support for families.",
                },
            ),
            (
                "news_item",
                {"title": "Support", "summary": "For kids.", "link": LONG_URL},
            ),
            ("paragraph", f'<p>Read <a href="{LONG_URL}">{LONG_URL}</a></p>'),
            ("call_to_action", {"text": "", "label": "Find help", "url": LONG_URL}),
        ],
    )


def test_a_bulletin_with_long_web_addresses_fits_a_small_phone(open_page, home_page):
    bulletin = bulletin_with_long_web_addresses(home_page)
    browser_page = open_page(width=SMALL_PHONE_WIDTHS[0], height=800)
    too_wide = []
    for language in LANGUAGES:
        browser_page.set_content(render_email(bulletin, language=language).html)
        for width in SMALL_PHONE_WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 800})
            found = browser_page.evaluate(MEASURE)
            if found["scrollWidth"] > width:
                too_wide.append(f"{language} at {width}px: {found['scrollWidth']}px")
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


def test_the_organizers_english_words_keep_their_full_stop_in_an_arabic_email(
    open_page, home_page
):
    """It read ".Moved one hour later: 7 a.m. Same place" (M4): in the HTML, and in the
    text part as a client shows it that lays the Arabic text out right to left."""
    moved = "Moved one hour later: 7 a.m. Same place."
    guest, notice = guest_with_update("ar", moved)
    message = build_guest_email(
        rsvp=guest, kind=GuestMessage.Kind.UPDATE, notice=notice
    )
    ((html, _type),) = message.alternatives
    browser_page = open_page(width=PHONE_WIDTH, height=800)
    browser_page.set_content(html)
    shown = browser_page.locator("p", has_text="Moved").evaluate(VISUAL_ORDER)
    assert shown == moved

    (line,) = [line for line in message.body.splitlines() if "Moved" in line]
    browser_page.set_content('<html lang="ar" dir="rtl"><body><p></p></body></html>')
    paragraph = browser_page.locator("p")
    paragraph.evaluate("(element, line) => { element.textContent = line; }", line)
    assert paragraph.evaluate(VISUAL_ORDER) == moved
