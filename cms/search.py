"""Site search over bulletins and events, in the reader's language.

Wagtail's database search backend: PostgreSQL's full-text search when the site runs on
PostgreSQL, SQLite's FTS5 otherwise. A page not translated into the reader's language
is found in the default language, as the archives list it.
"""

import unicodedata

from django.db.models import Q
from wagtail.models import Locale, Page

from cms import cjk, folding
from cms.routing import public_pages

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
MAX_WORDS = 12
# Terms sent to the engine, after Chinese runs became pairs: a 200-character run was
# 199 terms, whose nested AND overflowed Python's recursion limit in Django's query
# expressions (a 500). The first ones narrow the results enough.
MAX_TERMS = 24


def search_words(query: str) -> str:
    """The words of a query, without punctuation or symbols: the full-text engines
    read quotes, brackets and operators as syntax (SQLite's FTS5 fails on a stray
    quote). Letters, digits and combining marks (Devanagari vowel signs) stay."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "PSCZ" else char
        for char in query[:MAX_QUERY_LENGTH]
    )
    return " ".join(kept.split()[:MAX_WORDS])


def searchable_models():
    from cms.models import BulletinPage
    from events.models import EventPage

    return (BulletinPage, EventPage)


def search_pages(query: str, *, locale: Locale) -> list[Page]:
    """Public live bulletins and events matching ``query``, best first; each story
    once, in ``locale`` when translated there, else in the default locale (a
    restricted translation hides its story in its language)."""
    words = folding.fold(search_words(query))
    query = " ".join(cjk.query_words(words).split()[:MAX_TERMS])
    if not query:
        return []
    default = Locale.get_default()
    locales = {locale.pk, default.pk}
    # Wagtail's public(): a search backend takes filters on indexed fields only (the
    # path), not public_pages' subquery.
    candidates = (
        Page.objects.live()
        .public()
        .type(*searchable_models())
        .filter(Q(locale_id__in=locales))
        .specific()
        .search(query, operator="and")
    )
    hits = list(candidates[: MAX_RESULTS * 2])
    if any(hit.locale_id != default.pk or hit.alias_of_id for hit in hits):
        # public() knows only each page's own restrictions, not those a translation
        # takes from its default-locale source nor an alias from its source
        # (cms/routing.py): one more query.
        shown = set(
            public_pages(
                Page.objects.filter(pk__in=[hit.pk for hit in hits])
            ).values_list("pk", flat=True)
        )
        hits = [hit for hit in hits if hit.pk in shown]
    if locale.pk == default.pk:
        return hits[:MAX_RESULTS]
    translated = set(
        Page.objects.live()
        .filter(
            locale=locale, translation_key__in=[hit.translation_key for hit in hits]
        )
        .values_list("translation_key", flat=True)
    )
    results = [
        hit
        for hit in hits
        if hit.locale_id == locale.pk or hit.translation_key not in translated
    ]
    return results[:MAX_RESULTS]


def describe(page) -> dict:
    """What a result shows: its page, a kind label and when (both in the reader's
    language) and its summary (in the page's, which may be the default language)."""
    from django.utils import formats
    from django.utils.translation import gettext

    from events.models import EventPage

    if isinstance(page, EventPage):
        return {
            "page": page,
            "label": page.kind_label_unless_title,
            "when": page.when_display(),
        }
    return {
        "page": page,
        "label": gettext("Bulletin"),
        "when": formats.date_format(page.date, "DATE_FORMAT"),
        "summary": page.summary,
    }
