"""Every language is complete: every catalogue string translated and compiled."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from cms.languages import catalogue_folders
from cms.settings.base import LANGUAGE_NAMES_IN_ENGLISH, content_languages

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Every language but English, the source: one added to LANGUAGES is checked too.
FOLDERS = catalogue_folders()


def test_languages_are_the_six_of_the_design():
    assert [code for code, _ in settings.LANGUAGES] == [
        "en",
        "es",
        "hi",
        "zh-hans",
        "ar",
        "pl",
    ], "a language added or dropped: follow docs/languages.md, then update this list"


def test_the_catalogue_folders_are_djangos_names_for_the_languages():
    assert {code: FOLDERS[code] for code in ("es", "hi", "zh-hans", "ar", "pl")} == {
        "es": "es",
        "hi": "hi",
        "zh-hans": "zh_Hans",
        "ar": "ar",
        "pl": "pl",
    }


def test_a_language_without_an_english_name_is_named_in_the_error():
    languages = [*settings.LANGUAGES, ("eo", "Esperanto")]
    with pytest.raises(ImproperlyConfigured, match=r"LANGUAGES has eo but"):
        content_languages(languages, LANGUAGE_NAMES_IN_ENGLISH)
    named = content_languages(
        languages, {**LANGUAGE_NAMES_IN_ENGLISH, "eo": "Esperanto"}
    )
    assert [code for code, _label in named][-1] == "eo"


@pytest.mark.parametrize("language", FOLDERS)
def test_catalogue_is_complete_and_compiled(language):
    po_path = LOCALE_DIR / FOLDERS[language] / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{language}: untranslated strings"
    assert fuzzy == [], f"{language}: fuzzy strings"

    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    expected = {
        (e.msgid, e.msgstr)
        for e in catalogue.translated_entries()
        if not e.msgid_plural
    }
    assert expected <= {(e.msgid, e.msgstr) for e in compiled}, (
        "run: python bin/po_fill.py"
    )


def test_placeholders_survive_translation():
    for language, folder in FOLDERS.items():
        catalogue = polib.pofile(str(LOCALE_DIR / folder / "LC_MESSAGES" / "django.po"))
        for entry in catalogue.translated_entries():
            forms = (
                entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            )
            for token in ("%(email)s", "%(site)s", "%(org)s", "%(site_name)s"):
                if token in entry.msgid:
                    for form in forms:
                        assert token in form, f"{language}: {entry.msgid!r}"


def test_gettext_uses_the_catalogues():
    with translation.override("ar"):
        assert translation.gettext("Skip to content") == "انتقل إلى المحتوى"
        assert translation.get_language_bidi()
    with translation.override("zh-hans"):
        assert translation.gettext("Subscribers") == "订阅者"


@pytest.mark.parametrize("language", FOLDERS)
def test_every_plural_has_all_the_forms_of_its_language(language):
    """Django's Spanish rule has three forms and Polish four: a missing one falls
    back to English for the counts that use it (in Spanish, every count but 1)."""
    catalogue = polib.pofile(
        str(LOCALE_DIR / FOLDERS[language] / "LC_MESSAGES" / "django.po")
    )
    header = catalogue.metadata["Plural-Forms"]
    wanted = int(header.split("nplurals=")[1].split(";")[0])
    short = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural
        and not entry.obsolete
        and sorted(k for k, v in entry.msgstr_plural.items() if v)
        != list(range(wanted))
    ]
    assert short == [], f"{language}: plural forms missing"


def test_a_spanish_count_other_than_one_is_spanish():
    with translation.override("es"):
        text = translation.ngettext(
            "Send now to %(people)s person", "Send now to %(people)s people", 10
        )
    assert text.startswith("Enviar"), text


def test_djangos_form_messages_come_from_our_catalogues():
    """Django's Hindi catalogue asked for a "postal address" (डाक पता) when an e-mail
    address is wrong and left the length message in English."""
    from django import forms
    from django.core.exceptions import ValidationError

    field = forms.EmailField(max_length=20)
    with translation.override("hi"):
        with pytest.raises(ValidationError) as wrong:
            field.clean("not an address")
        assert wrong.value.messages == ["मान्य ई-मेल पता दर्ज करें।"]
        with pytest.raises(ValidationError) as long:
            field.clean("a-long-address@example.org")
        assert "अधिकतम 20 अक्षर" in " ".join(long.value.messages)


# Tú forms: imperatives with a pronoun, of the verbs the admin uses ("actualízala",
# "envíala", "escríbele"; usted says "actualícela", "envíela", "escríbale", which
# is why no shape alone tells them apart), and the commonest other tú words.
TU_IMPERATIVE = re.compile(
    r"\b(?:(?:actualíz|enví|déj|revís|publíc|cámbi|bórr|elimín|guárd|pruéb|apruéb"
    r"|páus|resérv|búsc|entrég|revóc|intént|apúnt|cópi)a"
    r"|(?:escríb|añád|píd|compárt|inscríb|suscríb|ábr|descárg)e)"
    r"(?:la|las|lo|los|le|les|me|nos|te)\b",
    re.IGNORECASE,
)
TU_WORDS = re.compile(
    r"\b(?:tu|tus|puedes|quieres|tienes|debes|elige|escribe|selecciona|pulsa|haz)\b",
    re.IGNORECASE,
)


def test_the_spanish_translations_say_usted_throughout():
    """The Spanish admin said "Déjelo", "resérvelas" (usted) but "Actualízala ... o
    envíala" (tú) in one note: the translations the catalogues are built from
    (merged in bin/po_fill.py's order, a later file winning) keep to usted."""
    merged: dict = {}
    for source in sorted((LOCALE_DIR / "translations").glob("*.json")):
        merged.update(json.loads(source.read_text()))
    tu = []
    for msgid, languages in merged.items():
        spanish = languages.get("es") or ""
        for form in spanish if isinstance(spanish, list) else [spanish]:
            if TU_IMPERATIVE.search(form) or TU_WORDS.search(form):
                tu.append((msgid, form))
    assert tu == []


def test_hindi_spells_e_mail_one_way():
    """Both ईमेल and ई-मेल were in the catalogue, side by side on one page."""
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale/hi/LC_MESSAGES/django.po")
    )
    mixed = [
        entry.msgid
        for entry in catalogue
        if "ईमेल" in entry.msgstr
        or any("ईमेल" in s for s in entry.msgstr_plural.values())
    ]
    assert mixed == []
