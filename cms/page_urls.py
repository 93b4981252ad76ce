"""Which URLs a change shows on, and purging them from every cache at once.

A page shows in every language: its translations, and (for a default-locale page) the
copy served under each other language's prefix until it is translated. Its parent
listing shows it, with the listing's feeds (``get_cached_paths``), in every language
too, because listings fall back to untranslated default-locale pages. The home page
lists the latest bulletin, the next events, petitions and the join page, and the menu.
The URLs go to Wagtail's frontend cache (``WAGTAILFRONTENDCACHE``): our page cache and,
when configured, the proxy in front.

What a change of one page does not purge (the menu in other pages' headers, the footer
contact, event listings inside bulletins, petition counts on the home page) is fresh
again within ``PAGE_CACHE_SECONDS``.
"""

from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction

# Page types the home page shows (cms.front_door) or links from its menu.
HOME_LISTS = {
    "bulletinpage",
    "bulletinindexpage",
    "eventpage",
    "eventindexpage",
    "petitionpage",
    "signuppage",
    "homepage",
}


def _root_url(page) -> str:
    parts = page.get_url_parts()
    if parts is not None and parts[1]:
        return parts[1]
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _join(url: str, suffix: str) -> str:
    return url + suffix.lstrip("/")


def language_paths(page) -> set[str]:
    """Site-relative URLs of ``page`` for readers of every language, live or not (an
    unpublished page's copies must go too)."""
    from cms.languages import localized_urls

    paths = set(localized_urls(page).values())
    for translation in page.get_translations(inclusive=True):
        if translation.url:
            paths.add(translation.url)
    if page.depth > 2 and page.locale.language_code == settings.LANGUAGE_CODE:
        parent = page.get_parent()
        if parent is not None:
            paths.update(
                f"{url}{page.slug}/" for url in localized_urls(parent).values()
            )
    return paths


def page_paths(page, suffixes=None) -> set[str]:
    """``language_paths`` with each of the page's cached sub-paths (feeds...)."""
    page = page.specific_deferred
    suffixes = suffixes if suffixes is not None else page.get_cached_paths()
    return {_join(url, suffix) for url in language_paths(page) for suffix in suffixes}


def affected_paths(page) -> set[str]:
    """Site-relative URLs whose content changes when ``page`` is published,
    unpublished, moved or deleted."""
    page = page.specific_deferred
    paths = page_paths(page)
    parent = page.get_parent()
    if parent is not None and parent.depth >= 2:
        paths |= page_paths(parent)
    if page.specific_class._meta.model_name in HOME_LISTS or page.show_in_menus:
        from cms.languages import LANGUAGE_CODES

        paths |= {
            "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
            for code in LANGUAGE_CODES
        }
    paths |= _pages_showing(page)
    # The sitemap lists every public page with its translations (cms/views.sitemap).
    paths.add(SITEMAP_PATH)
    return paths


SITEMAP_PATH = "/sitemap.xml"


def _pages_showing(page) -> set[str]:
    """Other pages that repeat this page's facts: the alerts about an event."""
    from cms.models import AlertPage

    if page.specific_class._meta.model_name != "eventpage":
        return set()
    paths = set()
    alerts = AlertPage.objects.live().filter(
        event__translation_key=page.translation_key
    )
    for alert in alerts:
        paths |= page_paths(alert)
    return paths


def full_urls(page, paths) -> list[str]:
    root = _root_url(page)
    return sorted(path if "://" in path else root + path for path in paths)


def purge_urls(urls: list[str]) -> None:
    """Purge now and, inside a transaction, once more when it commits: a request in
    between may have cached what the transaction had not yet changed."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    if not urls:
        return
    purge_urls_from_cache(urls)
    if connection.in_atomic_block:

        def purge_after_commit():
            purge_urls_from_cache(urls)

        transaction.on_commit(purge_after_commit)


def purging() -> bool:
    """False when nothing caches pages (no page cache, no proxy): skip the queries."""
    from cms.page_cache import fresh_seconds

    return bool(fresh_seconds()) or proxy_purging()


def purge_page(page) -> None:
    """A page was published, unpublished, moved or deleted: purge what shows it."""
    if not purging():
        return
    urls = full_urls(page, affected_paths(page))
    if page.specific_class._meta.model_name == "eventpage":
        from events.selectors import forget_public_events

        # Its places fragment shows whether RSVPs are open, and the waitlist. Its
        # render takes the event from a per-process copy: forgotten first (here and
        # at commit, ahead of the purge's own), or a render right after the purge
        # could store the event as it was.
        forget_public_events()
        forget_places_urls(page.translation_key)
        urls += places_urls(page)
        # Its thank-you page after an RSVP shows its title and time (not purged by
        # RSVPs, so not in places_urls).
        canonical_id = page.specific_deferred.canonical().pk
        urls += full_urls(page, set(rsvp_paths(canonical_id)))
    purge_urls(urls)


def _places_key(translation_key) -> str:
    return f"places-urls:{translation_key}"


def cached_places_urls(translation_key) -> list[str] | None:
    """``places_urls`` of the event with this translation key, if it is kept."""
    from cms.page_cache import page_cache

    return page_cache().get(_places_key(translation_key))


def places_urls(event) -> list[str]:
    """The event's places fragment (events.views.places_by_id) in every language.
    Kept in the page cache between RSVPs, so a storm of RSVPs purges without a query;
    a publish, move or deletion of the event forgets it."""
    from cms.page_cache import STALE_SECONDS, fresh_seconds, page_cache

    key = _places_key(event.translation_key)
    urls = page_cache().get(key)
    if urls is None:
        urls = full_urls(event, _places_paths(event))
        page_cache().set(key, urls, fresh_seconds() + STALE_SECONDS)
    return urls


def _places_paths(event) -> set[str]:
    return set(places_paths(event.specific_deferred.canonical().pk))


@lru_cache(maxsize=1024)
def places_paths(event_id: int) -> tuple[str, ...]:
    """The paths of the places fragment of the default-locale event with this id, in
    every language (a fact of the URLconf, so kept per process)."""
    return _plain_paths("events:places", event_id)


@lru_cache(maxsize=1024)
def rsvp_paths(event_id: int) -> tuple[str, ...]:
    """The same for the RSVP form's plain URL, whose thank-you state (``?sent=1``,
    the same for everyone) is cached: a publish of the event purges it. RSVPs are
    sent to the event page's own ``rsvp/?sent=1`` now (events.views.thanks_url),
    purged with the page; this one stays for the links and tabs of before."""
    return _plain_paths("events:rsvp", event_id)


def _plain_paths(name: str, event_id: int) -> tuple[str, ...]:
    from django.urls import reverse
    from django.utils import translation

    from cms.languages import LANGUAGE_CODES

    paths = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            paths.append(reverse(name, args=[event_id]))
    return tuple(paths)


def proxy_purging() -> bool:
    """True when a CDN or proxy is purged too (WAGTAILFRONTENDCACHE lists more than
    our own page cache): it needs full URLs, and goes through Wagtail."""
    backends = getattr(settings, "WAGTAILFRONTENDCACHE", {})
    return any(name != "pages" for name in backends)


def forget_places_urls(translation_key) -> None:
    from cms.page_cache import page_cache

    page_cache().delete(_places_key(translation_key))
