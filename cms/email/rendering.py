"""Render a mailable page as an e-mail: subject, preheader, HTML and text, per language.

The one entry point for every e-mail of a page: the admin previews, test copies and the
mailing snapshot all call ``render_email``, so what staff preview in a language is what
its readers get. ``language`` is the reader's: the fixed text (header, footer, buttons,
dates) and the direction are always theirs; the content is the page's live translation
in that language, else the default-locale page, marked with its own lang and dir.
Rendered once per language per mailing; only the per-recipient placeholders below are
replaced per message by the sender.
"""

import re
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from cms import bidi
from cms.email.text import Links, display_width
from cms.languages import join_names, label_colon, localized_url, site_name

UNSUBSCRIBE_URL = "%%UNSUBSCRIBE_URL%%"
PREFERENCES_URL = "%%PREFERENCES_URL%%"
NAME = "%%NAME%%"
# The footer's "why you get this", naming the reader's own lists of the mailing
# (reason_line): per recipient, since two readers of one language are on different lists.
REASON = "%%REASON%%"
MERGE_PLACEHOLDERS = (UNSUBSCRIBE_URL, PREFERENCES_URL, NAME, REASON)

# Built once: the inliner is the costly part to set up, not to run.
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_ABSOLUTE = ("http://", "https://", "mailto:", "tel:", "%%", "#")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preheader: str
    html: str
    text: str
    language: str = ""
    content_language: str = ""
    machine_tool: str = ""  # set when the content is a machine draft


def content_page(page, language: str):
    """The page to show in ``language``: its live translation, else the default locale's."""
    page = page.specific
    if page.locale.language_code == language:
        return page
    locale = Locale.objects.filter(language_code=language).first()
    if locale is not None:
        translated = page.get_translation_or_none(locale)
        if translated is not None and translated.live:
            return translated.specific
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    source = page.get_translation_or_none(default)
    return source.specific if source is not None else page


def absolutize(html: str, links: Links) -> str:
    def replace(match):
        attribute, url = match.groups()
        if url.startswith(_ABSOLUTE) or not url:
            return match.group(0)
        return f'{attribute}="{links.absolute(url)}"'

    return _URL_ATTRIBUTE.sub(replace, html)


def render_email(page, *, language: str, base_url: str | None = None) -> RenderedEmail:
    """The e-mail of a mailable page for readers of ``language``, with placeholders."""
    from cms.machine_translation import machine_mark

    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    links = Links(base_url)
    with translation.override(language):
        page = content_page(page, language)
        content_language = page.locale.language_code
        mark = (
            machine_mark(page) if content_language != settings.LANGUAGE_CODE else None
        )
        date = getattr(page, "date", None)
        context = {
            "page": page,
            "language": language,
            "direction": bidi.direction(language),
            "content_language": content_language,
            "content_direction": bidi.direction(content_language),
            "subject": page.email_subject(),
            "preheader": page.email_preheader(),
            "date": formats.date_format(date, "DATE_FORMAT") if date else "",
            "view_url": links.absolute(localized_url(page, language)),
            "base_url": base_url,
            "site_name": site_name(),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "preferences_url": PREFERENCES_URL,
            "reason": REASON,
            "untranslated": content_language != language,
            "machine_note": bool(mark and mark.tell_readers),
            "machine_tool": mark.tool_for_readers if mark else "",
        }
        sections = page.email_sections(context, links)
        html = render_to_string(
            "email/page.html", {**context, "sections": [h for h, _t in sections]}
        )
        text = compose_text(context, [t for _h, t in sections if t], links)
    html = absolutize(_INLINER.inline(html), links)
    return RenderedEmail(
        subject=context["subject"],
        preheader=context["preheader"],
        html=html,
        text=bidi.isolate_numbers_text(text, language),
        language=language,
        content_language=content_language,
        machine_tool=mark.tool_name if mark else "",
    )


def sample_link(language: str) -> str:
    """Where a copy for staff sends its reader's links: the site's front page in
    ``language``. A preview or test has no subscriber, so no real unsubscribe link."""
    prefix = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + prefix


def reason_line(list_names: list[str]) -> str:
    """Why the reader gets the message, in the active language, naming the lists it
    was sent to them through (only those: the reader's other lists stay unsaid)."""
    if not list_names:
        return _("You receive this because you joined one of our lists.")
    return ngettext(
        "You receive this because you joined our list: %(lists)s.",
        "You receive this because you joined our lists: %(lists)s.",
        len(list_names),
    ) % {"lists": join_names(list_names)}


def reader_reason(lists, language: str) -> str:
    """reason_line for a reader of ``language`` on ``lists`` (MailingList objects,
    names prefetched), each list named in that language where staff gave it one."""
    with translation.override(language):
        return reason_line([item.translated("name", language) for item in lists])


def as_sample(rendered: RenderedEmail, *, name: str = "", lists=()) -> tuple[str, str]:
    """(HTML, text) of ``rendered`` with the per-recipient placeholders filled as for
    a sample reader: staff's preview and test copies show what a reader reads
    ("Unsubscribe: https://…"), never a merge tag such as %%UNSUBSCRIBE_URL%%. The
    footer names ``lists`` (a mailing's), or no list when there is no mailing."""
    language = rendered.language or settings.LANGUAGE_CODE
    link = sample_link(language)
    html, text = rendered.html, rendered.text
    for placeholder, value in (
        (UNSUBSCRIBE_URL, link),
        (PREFERENCES_URL, link),
        (NAME, name),
        (REASON, reader_reason(lists, language)),
    ):
        # The name is the only value that is not a URL made here: escaped in HTML.
        html = html.replace(placeholder, escape(value))
        text = text.replace(placeholder, value)
    return html, text


def compose_text(context: dict, sections: list[str], links: Links) -> str:
    title = underlined = context["subject"]
    if context["content_direction"] != context["direction"]:
        # English in an Arabic text part: the client lays every line out right to
        # left, moving an English line's full stop to its start, unless marked.
        title = bidi.mark_line_directions(title)
        sections = [bidi.mark_line_directions(section) for section in sections]
    view, unsubscribe = _("View this e-mail in your browser"), _("Unsubscribe")
    preferences, links_heading = _("Your preferences"), _("Links")
    # The language's own colon: full-width in Chinese ("退订：", not "退订: ").
    colon = label_colon()
    head = [
        f"{view}{colon}{context['view_url']}",
        "",
        title,
        # Display width: a Chinese title of ten characters takes twenty columns.
        "=" * min(display_width(underlined), 72),
    ]
    if context["date"]:
        head.append(context["date"])
    if context["untranslated"]:
        head += ["", untranslated_note()]
    if context["machine_note"]:
        head += ["", machine_note(context["machine_tool"])]
    foot = [
        "-- ",
        context["site_name"],
        bidi.mark_line_directions(context["postal_address"]),
        # The HTML footer's words: why this reader gets the message (their lists).
        REASON,
        f"{unsubscribe}{colon}{UNSUBSCRIBE_URL}",
        f"{preferences}{colon}{PREFERENCES_URL}",
    ]
    parts = ["\n".join(head), *sections, "\n".join(foot)]
    if links.urls:
        parts.append(f"{links_heading}{colon.rstrip()}\n{links.listing()}")
    return "\n\n".join(parts) + "\n"


def machine_note(tool_name: str) -> str:
    """The reader-language note on a machine-translated message."""
    if not tool_name:
        return _("This message was translated by machine and may contain mistakes.")
    return _(
        "This message was translated by machine (%(tool)s) and may contain mistakes."
    ) % {"tool": tool_name}


def untranslated_note() -> str:
    """The reader-language note on a message that is not in their language."""
    return _(
        "This message is not translated into your language yet. Here it is in its "
        "original language."
    )
