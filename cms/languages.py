"""The reader's language, everywhere: language names for staff, and links that keep the
reader's language prefix whether or not the page they point to is translated.

A page without a translation in the reader's language is served under that language's
prefix as the English page (``/ar/bulletins/<english slug>/``, see
``TranslationFallbackMixin``), so a reader who follows a link never drops out of their
language's navigation, footer and direction.
"""

from functools import cache
from urllib.parse import unquote, urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# SITE_NAME's default, kept in the catalogues so every language has the office's name.
DEFAULT_SITE_NAME = gettext_noop("Office of New Americans")
# Django's form label suffix (":") and the endings after which it adds none (":?.!"),
# translated again in our catalogues, which come before Django's: its Chinese one keeps
# the ASCII colon and does not know "：", so a label ending in "：" got "：:".
LABEL_SUFFIX_ENTRIES = (gettext_noop(":"), gettext_noop(":?.!"))
# Languages whose sentences and labels run on without a space: Chinese sets "。" and
# "：" full-width, the gap inside them ("有效。如果", "电话：311").
RUN_ON_LANGUAGES = ("zh", "ja")
# CITY_NOTES' default, in the catalogues: right for Chicago only.
DEFAULT_CITY_NOTE = gettext_noop(
    "Chicago is a Welcoming City: City agencies do not ask about or share anyone's "
    "immigration status, and City services are open to everyone."
)
# Each language's name for readers of another, in our catalogues: Django's Hindi names
# end in a stray space and its Chinese name for Hindi is 北印度语 (North Indian).
LANGUAGE_NAME_ENTRIES = (
    gettext_noop("English"),
    gettext_noop("Spanish"),
    gettext_noop("Hindi"),
    gettext_noop("Simplified Chinese"),
    gettext_noop("Arabic"),
    gettext_noop("Polish"),
)


def catalogue_folders() -> dict[str, str]:
    """Each language but English with its catalogue's folder under locale/ (Django's
    spelling: "zh-hans" is zh_Hans). English is the source: it has no catalogue."""
    return {
        code: translation.to_locale(code)
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }


def site_languages() -> list[tuple[str, str]]:
    """settings.LANGUAGES when asked: the choices of every language field. Migrations
    name this function instead of copying the list, so a city that adds a language
    makes no migration of its own (which the project's next ones would conflict with)."""
    return list(settings.LANGUAGES)


def translated_languages() -> list[tuple[str, str]]:
    """site_languages() but the default language, which the source text is written in."""
    return [item for item in settings.LANGUAGES if item[0] != settings.LANGUAGE_CODE]


def languages_with(*texts: dict) -> list[str]:
    """The site's languages but English that each of ``texts`` (dicts keyed by language
    code) has an entry for, in the order of LANGUAGES: a builder of translated pages
    makes these and no others (a language with no text is left to its English page)."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE and all(code in text for text in texts)
    ]


def parent_translated(page, locale) -> bool:
    """Whether ``page``'s parent has a translation in ``locale``, so that the page can
    be translated there without copying its parent: an English copy of the home page
    would go live marked as that language."""
    return page.get_parent().get_translation_or_none(locale) is not None


def site_name() -> str:
    """The office's name (SITE_NAME) in the active language: the web header, feeds and
    every e-mail say the same. Its configured name in that language (SITE_NAME_ES ...),
    else the catalogues' translation; a SITE_NAME they do not hold stays as written."""
    return settings.SITE_NAMES.get(reader_language()) or gettext(
        settings.WAGTAIL_SITE_NAME
    )


def city_note() -> tuple[str, str]:
    """The footer's line on the city's stance (CITY_NOTES) for a reader of the active
    language, with the language it is written in; ("", "") when switched off."""
    notes = settings.CITY_NOTES
    language = reader_language()
    if not notes:
        return gettext(DEFAULT_CITY_NOTE), language
    english = notes.get(settings.LANGUAGE_CODE, "")
    if english.strip().lower() == "none":
        return "", ""
    if notes.get(language):
        return notes[language], language
    return english, settings.LANGUAGE_CODE


def language_label(code: str) -> str:
    """``العربية (Arabic)``: the language's own name, then its name in the active language."""
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return code
    native = dict(settings.LANGUAGES).get(code) or info["name_local"]
    translated = gettext(info["name"])
    # Our catalogues write "español" lower-case, for the middle of a sentence.
    same = native.casefold() == translated.strip().casefold()
    return native if same else f"{native} ({translated.strip()})"


def language_name(code: str) -> str:
    """The language's name in the active language ("inglés" for a Spanish reader)."""
    english = settings.LANGUAGE_NAMES_IN_ENGLISH.get(code)
    if english is None:
        return dict(settings.LANGUAGES).get(code, code)
    return gettext(english).strip()


def language_choices() -> list[tuple[str, str]]:
    """settings.LANGUAGES with staff-readable labels, for admin forms and filters (read
    when asked, like site_languages(): a document block's migration names it)."""
    return [(code, language_label(code)) for code, _name in settings.LANGUAGES]


class LanguageSelect(forms.Select):
    """A choice of settings.LANGUAGES, each option marked with its own language (and
    direction), as the language switcher marks its links: "العربية" in a Polish form
    is read with an Arabic voice, not spelt out with a Polish one (WCAG 3.1.2)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in LANGUAGE_CODES:
            option["attrs"]["lang"] = value
            if translation.get_language_info(value)["bidi"]:
                option["attrs"]["dir"] = "rtl"
        return option


def content_languages(reader: str, content: str = "") -> str:
    """An e-mail's Content-Language (RFC 3282: the language(s) of its content, a list
    allowed): the reader's, or, when the content is in another language (a page not
    translated into theirs, sent in English inside their own chrome), that language
    first and the reader's after it: "en, ar". The first tag is what a client that
    reads one takes (a text part has no other mark of its language), and offering to
    translate the English is what helps the Arabic reader, not taking it for Arabic."""
    if not content or content == reader:
        return reader
    return f"{content}, {reader}"


def reader_language(language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


@cache
def _prefix(language: str) -> str:
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def localized_url(page, language: str | None = None) -> str:
    """Site-relative URL of ``page`` for a reader of ``language`` (default: active).

    The page's live translation when there is one; else the default-locale page under
    the reader's prefix, built from its parent's URL in that language.
    """
    language = reader_language(language)
    if page.locale.language_code == language:
        return page.url or _prefix(language)
    translated = (
        page.get_translations()
        .filter(locale__language_code=language, live=True)
        .first()
    )
    if translated is not None:
        return translated.url or _prefix(language)
    if page.locale.language_code != settings.LANGUAGE_CODE:
        source = (
            page.get_translations()
            .filter(locale__language_code=settings.LANGUAGE_CODE, live=True)
            .first()
        )
        # Only the default locale's pages are served under other prefixes.
        return localized_url(source, language) if source else page.url or "/"
    if page.depth <= 2:  # a site's home page (or the root)
        return _prefix(language)
    parent = page.get_parent()
    return f"{localized_url(parent, language)}{page.slug}/"


def localized_urls(page) -> dict[str, str]:
    """``localized_url`` of ``page`` in every language, in one query when the page
    came from routing (its parents are known), one more per unknown tree level."""
    if page.depth <= 2:  # the root, or a site's home page: the language's own root
        return {code: _prefix(code) for code in LANGUAGE_CODES}
    keys, parent = {page.translation_key}, getattr(page, "_cached_parent_obj", None)
    while parent is not None and parent.depth > 2:
        keys.add(parent.translation_key)
        parent = getattr(parent, "_cached_parent_obj", None)
    return _urls_in_every_language(page, _live_translations(keys))


def _live_translations(keys) -> dict:
    """{translation key: {language code: live page}} for these translation keys."""
    from wagtail.models import Page

    found = {key: {} for key in keys}
    for item in (
        Page.objects.live().filter(translation_key__in=keys).select_related("locale")
    ):
        found[item.translation_key][item.locale.language_code] = item
    return found


def _urls_in_every_language(page, known: dict) -> dict[str, str]:
    if page.depth <= 2:
        return {code: _prefix(code) for code in LANGUAGE_CODES}
    if page.translation_key not in known:
        known.update(_live_translations({page.translation_key}))
    translations = known[page.translation_key]
    urls = {code: item.url for code, item in translations.items() if item.url}
    missing = [code for code in LANGUAGE_CODES if code not in urls]
    if missing:
        source = translations.get(settings.LANGUAGE_CODE)
        if source is None:
            fallback = dict.fromkeys(missing, page.url or "/")
        else:
            if source.pk == page.pk:
                source = page  # the routed page knows its parent without a query
            parents = (
                {code: _prefix(code) for code in LANGUAGE_CODES}
                if source.depth == 3  # a child of a site's home page
                else _urls_in_every_language(_parent_of(source, page, known), known)
            )
            fallback = {code: f"{parents[code]}{source.slug}/" for code in missing}
        urls.update(fallback)
    return urls


def _parent_of(source, page, known: dict):
    """``source.get_parent()``, without a query when it is among the translations
    already fetched (the default-locale version of the routed page's parent)."""
    parent = getattr(page, "_cached_parent_obj", None)
    if parent is not None and source is not page:
        candidate = known.get(parent.translation_key, {}).get(settings.LANGUAGE_CODE)
        if candidate is not None and candidate.path == source.path[: -source.steplen]:
            return candidate
    return source.get_parent()


def switch_language_urls(page, current: str) -> list[dict]:
    """The language switcher of a page: every language, the page as readers there get it."""
    urls = localized_urls(page)
    return [
        {"code": code, "name": name, "url": urls[code], "current": code == current}
        for code, name in settings.LANGUAGES
    ]


def same_page_in(request, url: str, language: str) -> str:
    """``url`` (a path of this site under any language's prefix, or none) as readers
    of ``language`` get it: the page's ``localized_url`` there, sub-route and query
    kept; a path that is no page keeps its rest under the chosen prefix."""
    from django.http import Http404
    from django.utils.encoding import iri_to_uri
    from wagtail.models import Site

    parts = urlsplit(url)
    path = unquote(parts.path)
    source = translation.get_language_from_path(path)
    # "/es/join/" -> "join/"; also "/es-mx/join/", which Django reads as Spanish.
    rest = path.lstrip("/").partition("/")[2] if source else path.lstrip("/")
    # "/es//evil.example/" must not become "//evil.example/" (browsers read "\" as "/").
    rest = rest.lstrip("/\\")
    source = source or settings.LANGUAGE_CODE
    target = f"{_prefix(language)}{rest}"
    site = Site.find_for_request(request)
    # A NUL ("next=/%00/") is no page's slug, and PostgreSQL refuses it in a query:
    # routing it answered the language switch with a 500.
    if site is not None and "\x00" not in rest:
        try:
            with translation.override(source):
                page = site.root_page.localized.specific.route(
                    request, [part for part in rest.split("/") if part]
                )[0]
        except Http404:
            page = None
        page_path = localized_url(page, source) if page is not None else None
        if page_path and path.startswith(page_path):
            sub_route = path[len(page_path) :].lstrip("/\\")
            target = localized_url(page, language) + sub_route
    return urlunsplit(parts._replace(path=iri_to_uri(target)))


def runs_on(language: str | None = None) -> bool:
    """Whether ``language`` (the active one) puts no space after a sentence or label."""
    code = (language or translation.get_language() or "").lower()
    return code.split("-")[0] in RUN_ON_LANGUAGES


def sentence_gap(language: str | None = None) -> str:
    """What goes between two sentences translated apart: a space, or none in Chinese."""
    return "" if runs_on(language) else " "


def label_colon(language: str | None = None) -> str:
    """The colon after a label such as "Phone", in the language's own form (the
    catalogues' ":", full-width in Chinese), with the space that follows it, if any."""
    colon = gettext(":")
    return colon if runs_on(language) or colon.endswith("：") else colon + " "


def with_aside(label: str, aside: str) -> str:
    """``label`` followed by ``aside`` in brackets, in the language's own brackets:
    "Add to calendar (Google · Outlook.com)", Chinese "添加到日历（Google · Outlook.com）"."""
    # Translators: a label followed by an aside in brackets: "Add to calendar (Google ·
    # Outlook.com)". Use your language's brackets and spacing (Chinese: full-width, no
    # space).
    return gettext("%(label)s (%(aside)s)") % {"label": label, "aside": aside}


def aside_brackets() -> tuple[str, str]:
    """What goes between a label and its aside, and after the aside (with_aside), for
    a template whose label and aside are markup: (" (", ")"), Chinese ("（", "）")."""
    text = with_aside("\x00", "\x01")
    before, _sep, rest = text.partition("\x00")
    between, _sep, after = rest.partition("\x01")
    if before or not _sep:  # a translation that puts the aside first: English's
        return " (", ")"
    return between, after


def join_names(names) -> str:
    """Names (languages, lists, people) listed in the active language: "A, B, C",
    Arabic "A، B، C", Chinese "A、B、C" (its enumeration comma; the "，" of
    events.models.join_in_reader_language is for an address's parts)."""
    # Translators: joins one more name onto a list of names: "Español, العربية".
    pattern = gettext("%(names)s, %(name)s")
    text = ""
    for name in names:
        text = pattern % {"names": text, "name": name} if text else str(name)
    return text
