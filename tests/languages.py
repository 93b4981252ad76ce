"""The site's languages, English first, for tests about every language: a language
added to settings.LANGUAGES is tested with the others (docs/languages.md)."""

from django.conf import settings
from django.utils import translation

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def said(language: str, english: str) -> str:
    """``english`` as the site says it in ``language``; for a language other than
    English, the catalogue must have it (an untranslated string fails here)."""
    with translation.override(language):
        text = translation.gettext(english)
    if language != "en":
        assert text != english, f"{english!r} has a {language} translation"
    return text
