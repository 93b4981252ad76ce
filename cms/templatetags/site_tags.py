"""Template tags of the public site's frame: menu, feeds, contact, other languages."""

from urllib.parse import parse_qsl, urlencode

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms import form_errors

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    from cms.navigation import menu_links

    return menu_links(context.get("request"))


@register.simple_tag(takes_context=True)
def bulletin_feeds(context) -> dict | None:
    """Absolute-path URLs of this language's bulletin feeds, for <link rel=alternate>.
    Cached with the page frame."""
    from cms.frame_cache import fragment

    return fragment(
        context.get("request"),
        "feeds",
        get_language(),
        lambda: _bulletin_feeds(context),
    )


def _bulletin_feeds(context) -> dict | None:
    from wagtail.contrib.routable_page.templatetags.wagtailroutablepage_tags import (
        routablepageurl,
    )

    from cms.navigation import bulletin_index_for_language

    index = bulletin_index_for_language()
    if index is None:
        return None
    return {
        "title": index.title,
        "rss": routablepageurl(context, index, "feed"),
        "atom": routablepageurl(context, index, "atom_feed"),
    }


@register.simple_tag(takes_context=True)
def site_contact(context) -> dict:
    """The footer's contact details (SiteContact), as plain values cached with the
    page frame: phone, tel_href, email, address and privacy_url (in this language)."""
    from cms.frame_cache import fragment

    request = context.get("request")
    return fragment(request, "contact", get_language(), lambda: _contact(request))


def _contact(request) -> dict:
    from wagtail.models import Site

    from cms.models import SiteContact

    site = Site.find_for_request(request) if request is not None else None
    # No Wagtail site (a bare token page in tests): the defaults, unsaved.
    contact = SiteContact.for_site(site) if site is not None else SiteContact()
    privacy = contact.privacy_page
    return {
        "phone": contact.phone,
        "tel_href": contact.tel_href,
        "email": contact.email,
        "address": contact.address,
        "privacy_url": privacy.localized.get_url(request) if privacy else "",
    }


@register.simple_tag
def live_translations(page) -> list:
    """The page's other live translations with their locales, in one query."""
    if page is None or not getattr(page, "pk", None):
        return []
    return list(page.get_translations().live().select_related("locale"))


@register.simple_tag
def city_note() -> dict:
    """The footer's line on the city's stance: its text and its language."""
    from cms.languages import city_note

    text, language = city_note()
    return {"text": text, "language": language}


def _without_language_parameter(path: str) -> str:
    base, _sep, query = path.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if all(key != "language" for key, _value in pairs):
        return path
    kept = [(key, value) for key, value in pairs if key != "language"]
    return f"{base}?{urlencode(kept)}" if kept else base


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict]:
    """[{code, name, url, current}] of this non-page URL (search...) in every language,
    the one it answers in marked current (as a page's switcher marks it: a reader on a
    phone sees which language they are in, and a screen reader hears it)."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    # A view answering a form at an address of its own (a wrong password, posted to
    # Wagtail's _util/ URL) names the page the reader was on: the same links as there.
    opened = context.get("language_switcher_path") or request.get_full_path()
    # A ``language`` the address already carries (the English link's, followed) is
    # the switcher's own: each link says its language afresh, or it piled up
    # ("?q=x&language=en&language=en", one more each time).
    path = _without_language_parameter(opened)
    # Resolved in the language of its prefix: a view may answer in another one (the
    # preferences page, right after the reader chose a new language), and under that
    # one "/pl/..." resolves to nothing, which emptied the switcher.
    source = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(source):
        links = [
            {
                "code": code,
                "name": name,
                "url": path if code == current else translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    # A URL outside the language prefixes (/petitions/...) has no other versions.
    if all(link["url"] == path for link in links):
        return []
    links = [
        link
        for link in links
        if link["current"] or link["url"] != path or link["code"] == source
    ]
    for link in links:
        if link["current"]:
            link["url"] = opened  # the address as opened
        elif link["code"] == settings.LANGUAGE_CODE:
            # The default language has no prefix, and a page without one answers in
            # the browser's language (subscribers.views._use_language): say so.
            separator = "&" if "?" in link["url"] else "?"
            link["url"] += f"{separator}language={settings.LANGUAGE_CODE}"
    return links


@register.simple_tag(takes_context=True)
def failed_form(context) -> bool:
    """Whether the page shows a form that failed (cms.form_errors), for its title."""
    return form_errors.failed_form(context)


@register.simple_tag(takes_context=True)
def form_status(context) -> str:
    """The short status a view gives a page that answers a form that worked
    (``title_status``, "Check your e-mail"), else "", for its title."""
    return context.get("title_status") or ""


@register.filter
def error_title(title: str, failed: bool) -> str:
    """``title`` (already rendered, by {% filter %}) as "Error: <title>" when
    ``failed``. The translation places the title, so each language keeps its order."""
    if not failed:
        return title
    return conditional_escape(_("Error: %(title)s")) % {"title": title}


@register.filter
def status_title(title: str, status: str) -> str:
    """``title`` as "<status>: <title>" when a view answers a form that worked with a
    short ``status`` ("Check your e-mail"): a screen reader reads the title of a page
    it has just loaded, not its role="status" message, so after a successful
    submission the page otherwise sounded exactly like the form before it."""
    if not status:
        return title
    return conditional_escape(_("%(status)s: %(title)s")) % {
        "status": conditional_escape(status),
        "title": title,
    }


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context) -> dict:
    """Canonical, hreflang alternates, Open Graph and Twitter card tags of a page
    (cms/share.py); nothing on a view that is no page (search...)."""
    from cms.share import share_meta as page_share_meta

    page = context.get("page")
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "locale_id"):
        return {}
    return {"share": page_share_meta(page, context.get("request"))}


@register.simple_tag(takes_context=True)
def page_link(context, number) -> str:
    """ "?kind=rally&page=3": the listing's other parameters as the request gave them,
    without the tracking ones (utm_source, fbclid...) and with ``page`` set to
    ``number``, every name and value URL-encoded.

    The page cache keys a listing without the tracking parameters
    (cms.page_cache.IGNORED_PARAMETERS): echoed into the "Older" link, the value one
    visitor sent (``?utm_source=<any text, any length>``) was stored in the copy every
    later reader of the listing got."""
    from cms.page_cache import IGNORED_PARAMETERS

    request = context.get("request")
    pairs = []
    if request is not None:
        pairs = [
            (name, value)
            for name, value in request.GET.items()
            if name != "page" and name not in IGNORED_PARAMETERS
        ]
    return "?" + urlencode([*pairs, ("page", number)])
