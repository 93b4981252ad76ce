"""The public site's way-finding: the header menu, the feed links and the other-language
links of pages that are not Wagtail pages (search results).

The menu lives on each locale's home page (a StreamField that wagtail-localize
translates with the page), so staff manage it in Wagtail and readers get it in their
language. Each link points at a page and shows that page's translation when it is live.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.models import Locale, Page, Site


class MenuLinkBlock(blocks.StructBlock):
    """One link of the header menu: a page, and an optional shorter label."""

    page = blocks.PageChooserBlock(label=_("Page"))
    label = blocks.CharBlock(
        label=_("Label"),
        max_length=40,
        required=False,
        help_text=_("Empty: the page's title in the reader's language."),
    )

    class Meta:
        icon = "link"
        label = _("Menu link")
        description = _("A link in the header of every page.")
        preview_value = {"label": "Take action"}


def home_for_request(request) -> Page | None:
    """The home page in the active language (its live translation), or None."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    return site.root_page.localized.specific


def localize(pages: list[Page], locale: Locale) -> list[Page]:
    """Each page's live translation in ``locale`` when it has one, in one query."""
    translated = {
        page.translation_key: page
        for page in Page.objects.live().filter(
            locale=locale, translation_key__in=[page.translation_key for page in pages]
        )
    }
    return [translated.get(page.translation_key, page) for page in pages]


def menu_links(request) -> list[dict]:
    """[{label, url, current, language}] for the header: the home page's menu, or,
    while that is empty, its live children marked "Show in menus". Cached with the
    page frame. ``current`` is the link's aria-current value, or None; ``language``
    the label's (an untranslated page's title is English, and marked so)."""
    from django.utils.translation import get_language

    from cms.frame_cache import fragment

    # "menu-lang": entries cached before they carried their language had three items.
    entries = fragment(
        request, "menu-lang", get_language(), lambda: menu_entries(request)
    )
    path = getattr(request, "path", "")
    return [
        {
            "label": label,
            "url": url,
            "current": aria_current(path, url, is_home),
            "language": language,
        }
        for label, url, is_home, language in entries
    ]


def aria_current(path: str, url: str, is_home: bool) -> str | None:
    """A menu link's aria-current: "page" on that very page, "true" on a page in its
    section (a screen reader said "Events, current page" on every event), else None."""
    if path == url:
        return "page"
    # The home page is every page's ancestor: marking it would say nothing.
    if not is_home and path.startswith(url):
        return "true"
    return None


def menu_entries(request) -> list[tuple[str, str, bool, str]]:
    """(label, url, is the home page's URL, the label's language) of each live menu
    link: a label staff wrote is in the home page's language (English while the home
    page is untranslated), a page's title in that page's."""
    home = home_for_request(request)
    if home is None:
        return []
    menu = getattr(home, "menu", None)
    if menu:
        chosen = [
            (child.value["page"], child.value.get("label") or "")
            for child in menu
            if child.value.get("page") is not None
        ]
    else:
        chosen = [(page, "") for page in home.get_children().live().in_menu()]
    pages = localize([page for page, _label in chosen], home.locale)
    home_url = home.get_url(request)
    entries = []
    for page, (_original, label) in zip(pages, chosen, strict=True):
        url = page.get_url(request)
        if page.live and url:
            language = (home if label else page).locale.language_code
            entries.append((str(label or page.title), url, url == home_url, language))
    return entries


def bulletin_index_for_language(language_code: str | None = None):
    """The live bulletin archive in this language (else the default one), or None.

    By language code: a page outside Wagtail's tree (a token page) may render with no
    locale rows at all, and must not fail for a feed link."""
    from django.conf import settings
    from django.utils.translation import get_language

    from cms.models import BulletinIndexPage

    wanted = language_code or get_language() or settings.LANGUAGE_CODE
    archives = BulletinIndexPage.objects.live().filter(
        locale__language_code__in={wanted, settings.LANGUAGE_CODE}
    )
    found = {
        page.locale.language_code: page for page in archives.select_related("locale")
    }
    return found.get(wanted) or found.get(settings.LANGUAGE_CODE)
