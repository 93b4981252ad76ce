"""The e-mails to one person not made from a page (the subscribers' own, a petition's
verification, the staff test message) share one shell, templates/email/_base.html:
the head, the card and its direction, the footer. The test message had its own copy,
which had lost the card's dir: Gmail drops the <html> element's attributes, so there
an Arabic test message read left to right while the subscribers' e-mails did not."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db

CONTEXT = {
    "site_name": "Office of New Americans",
    "postal_address": "121 N LaSalle St, Chicago, IL 60602",
    "subject": "Confirm your signature: Hate has no place in Chicago",
    "petition": "Hate has no place in Chicago",
    "link": "https://example.org/verify/x/",
    "lists": [],
    "base_url": "https://example.org/",
    "confirm_url": "https://example.org/confirm/x/",
    "valid_days": 7,
}
TEMPLATES = (
    "email/subscribers/confirm.html",
    "email/signature_verification.html",
    "email/test_message.html",
)


def shell(html: str) -> str:
    """The message without what its own block says."""
    return re.sub(
        r'(<td style="padding:24px;">\n).*?(</td></tr>\n<tr><td style="padding:16px)',
        r"\1\2",
        re.sub(r"<title>.*?</title>", "<title></title>", html),
        flags=re.S,
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_one_person_e_mail_has_the_same_shell(language):
    with translation.override(language):
        shells = {name: shell(render_to_string(name, CONTEXT)) for name in TEMPLATES}
    assert len(set(shells.values())) == 1, shells


def test_the_arabic_test_message_reads_right_to_left_where_gmail_drops_html_attrs():
    with translation.override("ar"):
        html = render_to_string("email/test_message.html", CONTEXT)
    card = re.search(r'<table role="presentation" width="600"[^>]*>', html).group(0)
    assert 'dir="rtl"' in card
