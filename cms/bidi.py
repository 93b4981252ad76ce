"""Bidirectional text: numbers, phone numbers and links keep their order in any script.

In right-to-left text the Unicode bidi algorithm treats digits after Arabic letters as
Arabic numbers and the separators between them as neutral, so ``الهاتف: 312-660-1370``
shows as ``1370-660-312``. Every web page, e-mail HTML and text part isolates such runs
through this one module: ``<span dir="ltr">`` in HTML (browsers give ``dir`` elements
``unicode-bidi: isolate``; older mail engines still embed them left to right) and the
Unicode isolates LRI ... PDI in text parts of right-to-left languages. Words whose
language we do not know (an organizer's message) take their direction from their first
letter, as ``dir="auto"`` does: ``direction_of_text`` in HTML, ``mark_line_directions`` in
text parts.
"""

import re
import unicodedata

from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
LRM = "\u200e"  # LEFT-TO-RIGHT MARK
RLM = "\u200f"  # RIGHT-TO-LEFT MARK
NBSP = "\u00a0"  # NO-BREAK SPACE

# URLs and addresses are left whole: a mark inside one, or right after it, would be
# taken as part of the link.
# A merge placeholder is a link only when it stands for one (%%UNSUBSCRIBE_URL%%):
# the footer's %%REASON%% is a sentence, which a left-to-right mark after it would
# only trail with a stray space in an Arabic text part.
_LINK = r"(?:https?|webcal)://\S+|mailto:\S+|tel:\S+|[^\s<>]+@[^\s<>]+|%%\w+_URL%%"
_ENDS_WITH_LINK = re.compile(rf"(?:{_LINK})$")
# Two or more digit groups joined by one separator: phone numbers, dates, ZIP+4,
# "(202) 224-3121", "+1 312 660 1370". A lone number needs no isolation.
_GROUP = r"(?:\(\d+\)|\d+)"
NUMBER_RUN = re.compile(
    rf"(?<![\w&#])[+]?{_GROUP}(?:[ \u00a0.\-/\u2010\u2011\u2013]{_GROUP})+(?![\w])"
)
_LINK_OR_NUMBER = re.compile(rf"(?P<link>{_LINK})|(?P<number>{NUMBER_RUN.pattern})")
_TAG = re.compile(r"(<[^>]*>)")
_RAW_TEXT_TAGS = ("<script", "<style", "<title")


def is_rtl(language: str | None = None) -> bool:
    """Is ``language`` (default: the active one) written right to left?"""
    if language is None:
        return translation.get_language_bidi()
    try:
        return translation.get_language_info(language)["bidi"]
    except KeyError:
        return False


def direction(language: str | None = None) -> str:
    return "rtl" if is_rtl(language) else "ltr"


def direction_of_text(text) -> str:
    """The direction of the first letter of ``text``, ``ltr`` or ``rtl`` (what
    ``dir="auto"`` decides in a browser); an empty string when it holds no letter."""
    return next(_letter_directions(str(text)), "")


def _letter_directions(text: str, *, skip_marks: bool = False):
    """The direction of each strong letter of ``text`` in turn. With ``skip_marks``
    the marks themselves (LRM, RLM) are no letters of the line's script."""
    for character in text:
        if skip_marks and character in (LRM, RLM):
            continue
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            yield "ltr"
        elif kind in ("R", "AL"):
            yield "rtl"


# Runs of digit groups are short: kept on one line, so a narrow screen never breaks a
# phone number as "(312) 660-" / "1370". Styled by class (site.css, the e-mail's own
# stylesheet, inlined): public pages allow no style attributes.
NUMBER_SPAN = '<span dir="ltr" class="nowrap">'


def ltr_html(value) -> SafeString:
    """``value`` (escaped unless already safe) isolated left to right."""
    return mark_safe(f'<span dir="ltr">{conditional_escape(value)}</span>')  # noqa: S308


def phone_html(value) -> SafeString:
    """A phone number isolated left to right and kept on one line."""
    return mark_safe(f"{NUMBER_SPAN}{conditional_escape(value)}</span>")  # noqa: S308


def isolate_numbers_html(value) -> SafeString:
    """Escaped text, or safe HTML, with every run of digit groups isolated LTR.

    Only text between tags is touched: attributes (``href="tel:..."``) and entities
    stay as they were.
    """
    html = str(conditional_escape(value))
    if not any(ch.isdigit() for ch in html):
        return mark_safe(html)  # noqa: S308
    parts = _TAG.split(html)
    raw = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith(_RAW_TEXT_TAGS):
                raw = True
            elif lowered.startswith(("</script", "</style", "</title")):
                raw = False
            continue
        if not raw and part:
            parts[index] = _isolate(part, NUMBER_SPAN, "</span>")
    return mark_safe("".join(parts))  # noqa: S308


def isolate_numbers_text(text: str, language: str | None = None) -> str:
    """Plain text with digit-group runs wrapped in LRI ... PDI, and every link that
    ends in punctuation held left to right, for RTL languages only.

    Left-to-right readers get the text unchanged: their clients need no isolates and
    some old ones show them as boxes.
    """
    if not is_rtl(language):
        return text
    return _LINK_AT_GAP.sub(_hold_link_end, _isolate(text, LRI, PDI))


# A link's final slash or dash is neutral: in a right-to-left line it takes the line's
# direction and shows at the link's left end ("/https://example.org/ar/events").
# A left-to-right mark after the link keeps it at the right end; the mark goes after
# the space that follows the link, so a client that makes the link clickable never
# takes the mark into it. At a line's end that space is a no-break one: a client that
# wraps the line where it fills the screen would otherwise carry the lone mark onto an
# empty-looking line of its own (linkifiers end a link at a no-break space too).
_LINK_AT_GAP = re.compile(rf"(?P<link>{_LINK})(?P<gap>[ \t]|$)", re.MULTILINE)


def _hold_link_end(match) -> str:
    link, gap = match.group("link"), match.group("gap")
    if link[-1].isalnum() and not link.startswith("%%"):
        return match.group(0)  # a letter or digit: the link's end stays in place
    return f"{link}{gap or NBSP}{LRM}"


def mark_line_directions(text: str, language: str | None = None) -> str:
    """Plain text in a language we do not know (an organizer's message), for a text
    part in ``language`` (default: active): each line written wholly the other way
    gets that direction's mark at both ends. A line with letters of both ways is the
    reader's direction, marked so when its first letter runs the other way.

    A client that lays out a whole Arabic text part right to left otherwise moves an
    English line's final full stop, or a leading number, to the wrong end; the marks are
    strong letters of the line's own direction that nothing shows. A line ending in a
    link gets no closing mark: the mark would be taken as part of the link.
    """
    reader = direction(language)
    lines = []
    for line in text.split("\n"):
        words = line.rstrip()
        first = direction_of_text(words)
        own = first
        if first and len(_directions_of_letters(words)) > 1:
            # Both ways ("Know your rights: اعرف حقوقك", an untranslated title's
            # English first half): its first word says nothing of the rest, so the
            # line takes the reader's direction, marked where its first letter
            # would otherwise turn it round.
            own = reader
        mark = LRM if own == "ltr" else RLM
        # A line marked once (an alert's message, then the whole English body of an
        # Arabic e-mail) is not marked twice: the mark is itself a letter of its way.
        turned = own != reader or first != own
        if own and turned and not words.startswith(mark):
            closing = "" if _ENDS_WITH_LINK.search(words) else mark
            line = f"{mark}{words}{closing}"
        lines.append(line)
    return "\n".join(lines)


def _directions_of_letters(text: str) -> set[str]:
    """The directions of the strong letters of ``text``, ``ltr`` and/or ``rtl``."""
    return set(_letter_directions(text, skip_marks=True))


def _isolate(text: str, before: str, after: str) -> str:
    def replace(match):
        number = match.group("number")
        return f"{before}{number}{after}" if number else match.group(0)

    return _LINK_OR_NUMBER.sub(replace, text)


def e164(phone: str, *, country_code: str = "1") -> str:
    """The number in E.164 (``+13126601370``) for ``tel:`` links; short codes as dialled.

    Ten digits (or eleven starting with the country code) are North American numbers;
    ``+`` or ``00`` starts an international one; 311 or 911 stay as they are.
    """
    text = phone.strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if text.startswith("+"):
        return f"+{digits}" if digits else ""
    if digits.startswith("00") and len(digits) > 4:
        return f"+{digits[2:]}"
    if country_code == "1":
        if len(digits) == 10:
            return f"+1{digits}"
        if len(digits) == 11 and digits.startswith("1"):
            return f"+{digits}"
    return digits


def tel_href(phone: str) -> str:
    number = e164(phone)
    return f"tel:{number}" if number else ""


def _scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` ("LATIN", "ARABIC", "DEVANAGARI", "CJK")."""
    return {
        unicodedata.name(character, "?").split(" ")[0]
        for character in str(text)
        if character.isalpha()
    }


def written_language(text, language: str | None = None) -> str:
    """The language to mark ``text`` with on a page in ``language`` (default: active):
    the default language when every letter is in its script and ``language`` is
    written in another one (an event's organisers left in English on its Arabic
    page, which a screen reader would read with the Arabic voice), else
    ``language``. A script is told by the language's own name in LANGUAGES."""
    from django.conf import settings

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    names = dict(settings.LANGUAGES)
    default = settings.LANGUAGE_CODE
    if language == default or language not in names:
        return language
    written = _scripts(text)
    if written and written == _scripts(names[default]) != _scripts(names[language]):
        return default
    return language


def html_lang_attrs(language: str | None = None) -> SafeString:
    """``lang="…" dir="…"`` for an element holding text in ``language`` (default: active)."""
    language = language or translation.get_language() or "en"
    return mark_safe(f'lang="{escape(language)}" dir="{direction(language)}"')  # noqa: S308
