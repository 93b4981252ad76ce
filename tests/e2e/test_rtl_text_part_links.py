"""Arabic text parts as a mail client lays them out, in Debian's Chromium: every web
address reads in its own order. A link's final slash is neutral, so in a right-to-left
line it used to show at the link's left end ("/http://…/ar/bulletins/news"), in the
bulletin's "view in browser", unsubscribe and preferences lines, the confirmation and
preferences links, and the signature verification link. Checked both ways clients
show a text part: the whole part right to left, and each line by its first letter."""

import re

import pytest
from django.core import mail

from campaigns.models import Signature
from campaigns.services import notifications, petitions
from cms.email.rendering import PREFERENCES_URL, UNSUBSCRIBE_URL, render_email
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.e2e.test_reader_languages import VISUAL_ORDER
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_bulletin,
    build_petition_page,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

URL = re.compile(r"https?://[^\s\u200e\u2066\u2069]+")

# A client that shows the whole text part right to left (its first letter is Arabic),
# and one that gives each line its own direction (as dir="auto" does per paragraph).
LAYOUTS = {
    "whole part right to left": 'dir="rtl" style="white-space: pre"',
    "each line by its first letter": (
        'dir="auto" style="white-space: pre; unicode-bidi: plaintext"'
    ),
}


def arabic_text_parts(home_page) -> dict[str, str]:
    """The text part of each Arabic e-mail whose lines end in a link."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    omar = make_subscriber("omar@example.org", language="ar")
    legal = MailingListFactory(name="Legal Protection/Services")
    bulletin = render_email(build_bulletin(title="News"), language="ar").text
    # The sender merges each reader's links into the placeholders.
    bulletin = bulletin.replace(
        UNSUBSCRIBE_URL, "http://testserver/ar/subscribers/unsubscribe/7.1.aB-/"
    ).replace(PREFERENCES_URL, "http://testserver/ar/subscribers/preferences/7.2.c_/")
    send_confirmation_email(
        subscriber=omar, list_ids=[legal.pk], page_id=None, language="ar"
    )
    send_preferences_link_email(subscriber=omar)
    petition = build_petition_page(
        home_page, CampaignFactory(), require_verification=True
    )
    petitions.record_signature(
        page=petition, email="layla@example.net", language="ar", name="ليلى حداد"
    )
    notifications.send_signature_verification(signature_id=Signature.objects.get().pk)
    parts = {"bulletin": bulletin}
    parts.update({message.subject: message.body for message in mail.outbox})
    assert len(parts) == 4
    return parts


@pytest.mark.parametrize("layout", LAYOUTS)
def test_links_in_arabic_text_parts_keep_their_order(page, home_page, layout):
    shown_wrong = []
    for name, text in arabic_text_parts(home_page).items():
        urls = URL.findall(text)
        assert urls, name
        for line in text.splitlines():
            for url in URL.findall(line):
                page.set_content(f'<meta charset="utf-8"><div {LAYOUTS[layout]}></div>')
                element = page.locator("div")
                element.evaluate("(div, line) => { div.textContent = line; }", line)
                if url not in element.evaluate(VISUAL_ORDER):
                    shown_wrong.append(f"{name}: {url}")
    assert shown_wrong == []


def test_a_line_ending_in_a_link_wraps_as_one_line(page, home_page):
    """The mark after a link never wraps onto a line of its own, even where the line
    just fills the client's width (pre-wrap, as clients show text parts)."""
    lines = [
        line
        for text in arabic_text_parts(home_page).values()
        for line in text.splitlines()
        if URL.search(line)
    ]
    page.set_content('<meta charset="utf-8"><div dir="rtl"></div>')
    extra_lines = page.locator("div").evaluate(
        """(div, lines) => lines.filter((line) => {
            div.style.cssText = 'white-space: pre-wrap; font: 13px monospace;'
                + ' display: inline-block; overflow-wrap: normal';
            div.textContent = line.replace(/[\u00a0 ]?\u200e$/, '');
            const width = div.getBoundingClientRect().width;
            const height = div.getBoundingClientRect().height;
            div.style.width = Math.ceil(width) + 'px';
            div.textContent = line;
            return div.getBoundingClientRect().height > height;
        })""",
        lines,
    )
    assert extra_lines == []
