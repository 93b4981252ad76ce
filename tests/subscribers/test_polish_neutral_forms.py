"""Polish e-mails speak to the reader without assuming they are a man. The preferences
link e-mail said "Jeśli nie prosiłeś" (masculine only) where the other Polish e-mails
say "Jeśli to nie Ty"; the compiled catalogue must hold no masculine-only second-person
past form ("prosiłeś", "potwierdziłeś", "podpisałeś", ...). Nor does it pair the two
genders with a slash or parenthesis ("wypisałeś(-aś)", "zapisałeś/zapisałaś", "jesteś
zapisany/zapisana", "Zatwierdził(a)"), which reads as a form to fill in and still
leaves out whoever is neither: the strings say it impersonally instead ("Twój adres
został wypisany", "Prośba została przyjęta")."""

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
# Both genders side by side: "zapisałeś/zapisałaś", "wypisałeś(-aś)", "zatwierdził(a)",
# "zapisany/zapisana", "zapisany/a", "gotowy(-a)".
GENDERED_PAIR = re.compile(
    r"\b\w+łeś\s*(?:/\s*\w*łaś|\(\s*-?\s*aś\s*\))"
    r"|\b\w+ł\s*\(\s*-?\s*a\s*\)"
    r"|\b\w+[yi]\s*(?:/\s*-?\w*a\b|\(\s*-?\s*\w*a\s*\))",
    re.IGNORECASE,
)


def not_neutral(text: str) -> bool:
    return bool(MASCULINE_ONLY.search(text) or GENDERED_PAIR.search(text))


@pytest.mark.parametrize(
    "gendered",
    [
        "Wydarzenie, na które się zapisałeś/zapisałaś, zmieniło się.",
        "Poprosiłeś(-aś) nas o link.",
        "wypisałeś (-aś) się z list",
        "Zatwierdził(a): Ana.",
        "jesteś zapisany/zapisana na to wydarzenie",
        "jesteś zapisany/a",
        "jesteś gotowy(-a)",
        "Jeśli nie prosiłeś o ten link",
    ],
)
def test_the_check_sees_gendered_forms(gendered):
    assert not_neutral(gendered)


@pytest.mark.parametrize(
    "neutral",
    [
        "Twój adres został wypisany z list.",
        "Otrzymujesz tę wiadomość jako osoba zapisana na jedną z naszych list.",
        "Jeśli to nie Ty prosisz o ten link, możesz zignorować tę wiadomość.",
        "Wpisz adres strony zaczynający się od https://, numer telefonu",
        "Kolumny: e-mail, imię i nazwisko, język (jeden z: en/es/pl)",
    ],
)
def test_the_check_lets_neutral_forms_through(neutral):
    assert not not_neutral(neutral)


def test_the_polish_catalogue_has_no_gendered_forms():
    catalogue = polib.mofile(
        str(Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.mo")
    )
    found = [
        text
        for entry in catalogue
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        if not_neutral(text)
    ]
    assert found == []


def test_the_polish_preferences_link_mail_says_if_it_was_not_you(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = make_subscriber("czytelniczka@example.org", language="pl")
    send_preferences_link_email(subscriber=person)

    (message,) = mail.outbox
    for part in (message.body, message.alternatives[0][0]):
        assert "Jeśli to nie Ty" in part
        assert not not_neutral(part)
