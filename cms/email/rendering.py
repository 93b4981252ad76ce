"""Render a mailable page as an e-mail: subject, preheader, HTML and text, per language.

Rendered once per language per mailing; only the per-recipient placeholders below are
replaced per message by the sender.
"""

import re
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.email.text import Links

UNSUBSCRIBE_URL = "%%UNSUBSCRIBE_URL%%"
PREFERENCES_URL = "%%PREFERENCES_URL%%"
NAME = "%%NAME%%"
MERGE_PLACEHOLDERS = (UNSUBSCRIBE_URL, PREFERENCES_URL, NAME)

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


def page_path(page) -> str:
    parts = page.get_url_parts()
    return parts[2] if parts else "/"


def render_email(page, *, language: str, base_url: str | None = None) -> RenderedEmail:
    """The e-mail of a mailable page in ``language``, with per-recipient placeholders."""
    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    links = Links(base_url)
    with translation.override(language):
        page = content_page(page, language)
        content_language = page.locale.language_code
        view_url = links.absolute(page_path(page))
        date = getattr(page, "date", None)
        context = {
            "page": page,
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "content_language": content_language,
            "content_direction": "rtl"
            if translation.get_language_info(content_language)["bidi"]
            else "ltr",
            "subject": page.email_subject(),
            "preheader": page.email_preheader(),
            "date": formats.date_format(date, "DATE_FORMAT") if date else "",
            "view_url": view_url,
            "base_url": base_url,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "preferences_url": PREFERENCES_URL,
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
        text=text,
    )


def compose_text(context: dict, sections: list[str], links: Links) -> str:
    title = context["subject"]
    view, unsubscribe = _("View this e-mail in your browser"), _("Unsubscribe")
    preferences, links_heading = _("Your preferences"), _("Links")
    head = [
        f"{view}: {context['view_url']}",
        "",
        title,
        "=" * min(len(title), 72),
    ]
    if context["date"]:
        head.append(context["date"])
    foot = [
        "-- ",
        context["site_name"],
        context["postal_address"],
        f"{unsubscribe}: {UNSUBSCRIBE_URL}",
        f"{preferences}: {PREFERENCES_URL}",
    ]
    parts = ["\n".join(head), *sections, "\n".join(foot)]
    if links.urls:
        parts.append(f"{links_heading}:\n{links.listing()}")
    return "\n\n".join(parts) + "\n"
