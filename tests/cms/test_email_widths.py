"""E-mails fit a phone: a fixed-width table (600 px, which Outlook for Windows keeps)
also says width:100% and max-width, so every other client shrinks it to the screen.
Measured in Chromium at 390 px in tests/e2e/test_email_layout.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import MailingListFactory
from tests.subscribers.link_emails import link_emails

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
FIXED_TABLE = re.compile(r"<table\b[^>]*\bwidth=\"[1-9]\d{2,}\"[^>]*>")


def fluid(table: str) -> bool:
    style = re.search(r'style="([^"]*)"', table)
    rules = style.group(1).replace(" ", "") if style else ""
    # The bulletin's container takes both from its stylesheet (templates/email/page.html).
    return 'class="container"' in table or (
        "width:100%" in rules and "max-width:" in rules
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_preferences_and_test_emails_shrink_to_a_phone(language):
    emails = link_emails(language, MailingListFactory())
    for name, html in emails.items():
        tables = FIXED_TABLE.findall(html)
        assert tables, f"{name}: the Outlook width is still set"
        assert all(fluid(table) for table in tables), f"{name}: {tables}"
        assert 'name="viewport"' in html, name


def test_no_email_template_has_a_fixed_width_table_alone():
    fixed = {
        str(path.relative_to(TEMPLATES)): table
        for path in TEMPLATES.rglob("*.html")
        for table in FIXED_TABLE.findall(path.read_text())
        if not fluid(table)
    }
    assert fixed == {}
