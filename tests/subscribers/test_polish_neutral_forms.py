"""Polish e-mails speak to the reader without assuming they are a man. The preferences
link e-mail said "Jeśli nie prosiłeś" (masculine only) where the other Polish e-mails
say "Jeśli to nie Ty"; the compiled catalogue must hold no masculine-only second-person
past form ("prosiłeś", "potwierdziłeś", "podpisałeś", ...) unless the feminine form
stands beside it ("wypisałeś(-aś)", "zapisałeś/zapisałaś")."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail

from subscribers.emails import send_preferences_link_email
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

MASCULINE_ONLY = re.compile(r"\b\w+łeś\b(?!\s*\(-aś\)|/\w+łaś)", re.IGNORECASE)


def test_the_polish_catalogue_has_no_masculine_only_past_forms():
    catalogue = polib.mofile(
        str(Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.mo")
    )
    found = [
        text
        for entry in catalogue
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        if MASCULINE_ONLY.search(text)
    ]
    assert found == []


def test_the_polish_preferences_link_mail_says_if_it_was_not_you(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = make_subscriber("czytelniczka@example.org", language="pl")
    send_preferences_link_email(subscriber=person)

    (message,) = mail.outbox
    for part in (message.body, message.alternatives[0][0]):
        assert "Jeśli to nie Ty" in part
        assert not MASCULINE_ONLY.search(part)
