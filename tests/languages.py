"""The site's languages, English first, for tests about every language: a language
added to settings.LANGUAGES is tested with the others (docs/languages.md)."""

from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES]
