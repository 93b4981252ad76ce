"""What a page's link shows where it is pasted or crawled: its canonical URL, its
versions in the other languages (hreflang), and the Open Graph and Twitter card tags
that WhatsApp, Facebook and X read for a preview (title, description, image).

Every URL is absolute and built from the Wagtail Site (BASE_URL, https in production):
a crawler or a chat app resolves nothing against the page it fetched.
"""

from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator

from cms import languages
from cms.routing import public_pages

# A static card for pages with no image of their own (chat apps ignore SVG).
DEFAULT_IMAGE = "share-card.png"
DEFAULT_IMAGE_SIZE = (1200, 630)
IMAGE_FILTER = "fill-1200x630"
DESCRIPTION_LENGTH = 200
# Where a page keeps the sentence a preview shows, first found wins.
DESCRIPTION_FIELDS = (
    "search_description",
    "summary",
    "intro",
    "statement",
    "description",
    "message",
)
# The query parameters that make a listing another listing (the past events, page 2):
# kept in its canonical URL, so page 2 is not declared a copy of page 1. Any other
# (utm_source=...) is a copy.
LISTING_PARAMETERS = ("when", "kind", "month", "page")
# Open Graph wants language_TERRITORY; these are the forms Facebook knows.
OG_LOCALES = {
    "en": "en_US",
    "es": "es_LA",
    "hi": "hi_IN",
    "zh-hans": "zh_CN",
    "ar": "ar_AR",
    "pl": "pl_PL",
}


def site_root(page, request=None) -> str:
    """The root URL (scheme and host) of the page's Site, or "" when it has none."""
    parts = page.get_url_parts(request)
    return parts[1] if parts else ""


def reader_page_url(page, request=None) -> str:
    """The absolute URL of ``page`` under the reader's language prefix (an
    untranslated page too), as the reader has it open: what they would share or type
    from a printed copy. Built from the Site, as every URL here; from the request's
    host when the page has no Site."""
    path = languages.localized_url(page, languages.reader_language())
    root = site_root(page, request)
    if root:
        return urljoin(root, path)
    return request.build_absolute_uri(path) if request is not None else path


def live_translations(page) -> dict:
    """{language code: page} of the page's live, public versions (itself included)."""
    from wagtail.models import Page

    found = public_pages(
        Page.objects.live().filter(translation_key=page.translation_key)
    ).select_related("locale")
    return {item.locale.language_code: item for item in found}


def alternates(versions: dict, request=None) -> list[dict]:
    """A page's translations (``live_translations``) as hreflang links, plus x-default
    (the default language's version): only real translations, so each one lists the
    others and itself, and every link answers 200."""
    if len(versions) < 2:
        return []
    links = []
    for code, _name in settings.LANGUAGES:
        version = versions.get(code)
        url = version.get_full_url(request) if version is not None else None
        if url:
            links.append({"hreflang": code, "href": url})
    default = versions.get(settings.LANGUAGE_CODE)
    default_url = default.get_full_url(request) if default is not None else None
    if default_url:
        links.append({"hreflang": "x-default", "href": default_url})
    return links


def description(page) -> str:
    """A sentence or two from the page, as plain text, for a link preview."""
    for field in DESCRIPTION_FIELDS:
        value = getattr(page, field, "") or ""
        if field == "message" and hasattr(page, "message_html"):
            # An alert's message as the page shows it: a cancellation sent without
            # the organizer's words stores the English sentence and shows the
            # reader's (AlertPage.message_html).
            value = page.message_html()
        text = " ".join(strip_tags(str(value)).split())
        if text:
            return Truncator(text).chars(DESCRIPTION_LENGTH)
    return ""


def _first_image(page):
    body = getattr(page, "body", None)
    if not body or not hasattr(body, "__iter__"):
        return None, ""
    for child in body:
        if child.block_type == "image" and child.value.get("image"):
            return child.value["image"], child.value.get("alt_text", "")
    return None, ""


def image(page, request=None) -> dict:
    """The preview image: the page's first image cropped to 1200x630, else the card."""
    root = site_root(page, request)
    picture, alt = _first_image(page)
    if picture is not None:
        rendition = picture.get_rendition(IMAGE_FILTER)
        return {
            "url": urljoin(root or "/", rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": alt,
        }
    width, height = DEFAULT_IMAGE_SIZE
    return {
        "url": urljoin(root or "/", static(DEFAULT_IMAGE)),
        "width": width,
        "height": height,
        "alt": languages.site_name(),
    }


def listing_query(request) -> str:
    """ "?when=past&page=2" of a listing's request, its other parameters left out."""
    if request is None:
        return ""
    kept = [
        (name, request.GET[name])
        for name in LISTING_PARAMETERS
        if request.GET.get(name) and not (name == "page" and request.GET[name] == "1")
    ]
    return f"?{urlencode(kept)}" if kept else ""


def share_meta(page, request=None) -> dict:
    """Everything base.html's head says about ``page`` to crawlers and chat apps."""
    content = page.locale.language_code
    root = site_root(page, request)
    # The URL the reader is on: an untranslated page under their prefix keeps their
    # language when shared; its canonical is the original (the same text).
    versions = live_translations(page)
    here = reader_page_url(page, request) if root else ""
    canonical = page.get_full_url(request) or here
    query = listing_query(request)
    return {
        "canonical": canonical and canonical + query,
        "url": (here or canonical) + query,
        "alternates": alternates(versions, request),
        "title": page.seo_title or page.title,
        "description": description(page),
        "image": image(page, request),
        "locale": OG_LOCALES.get(content, content),
        "other_locales": [
            OG_LOCALES.get(code, code) for code in versions if code != content
        ],
        "site_name": languages.site_name(),
        "type": "article" if hasattr(page, "summary") else "website",
    }
