"""The frame every public page draws (header menu, feed links, footer contact), and the
bulletins' bodies (cms/templatetags/page_fragments.py), kept in the cache per site and
language.

Rebuilding it costs five or six queries on every uncached page, yet it changes only
when pages are published, unpublished, moved or deleted, or when the contact details,
sites, locales, documents or images change. Its entries share one stamp: any of those changes replaces
the stamp, and the next request of each site and language rebuilds the fragments (a few
queries, never a page render). The page cache (cms/page_cache.py) is separate.
Values are plain data (labels and URLs), never model instances.
"""

import functools
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

STAMP_KEY = "frame-cache:stamp"


def forget(**kwargs) -> None:
    """Drop every cached frame fragment (on the next request of each language)."""
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)


def _stamp(request) -> str:
    stamp = getattr(request, "_frame_cache_stamp", None)
    if stamp is None:
        stamp = cache.get(STAMP_KEY)
        if stamp is None:
            stamp = uuid.uuid4().hex
            if not cache.add(STAMP_KEY, stamp, timeout=None):
                stamp = cache.get(STAMP_KEY) or stamp
        request._frame_cache_stamp = stamp
    return stamp


def fragment(request, name: str, language: str, build, *, fresh=None):
    """``build()``'s value for this site and language, from the cache when it has it
    (and ``fresh(value)`` says it still is, when given)."""
    from wagtail.models import Site

    if request is None:
        return build()
    site = Site.find_for_request(request)
    key = f"frame-cache:{_stamp(request)}:{name}:{getattr(site, 'pk', 0)}:{language}"
    value = cache.get(key)
    if value is None or (fresh is not None and not fresh(value)):
        value = build()
        cache.set(key, value, settings.FRAME_CACHE_SECONDS)
    return value


def _forget_on_change(sender, instance, **kwargs) -> None:
    from cms.models import SiteContact

    if isinstance(instance, SiteContact) and kwargs.get("created"):
        return  # made on first read (for_site) with the defaults the footer showed
    # Not by sender: a page's signals carry its own class (HomePage, EventPage...).
    if isinstance(instance, _framing_models()):
        forget()


@functools.cache
def _framing_models() -> tuple[type, ...]:
    """What the frame and the cached bodies show: pages, sites, locales, the contact
    details, and the documents and images a bulletin links to."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, Site

    from cms.models import SiteContact

    return (Page, Locale, Site, SiteContact, get_document_model(), get_image_model())


def connect() -> None:
    page_published.connect(forget, dispatch_uid="frame-cache-published")
    page_unpublished.connect(forget, dispatch_uid="frame-cache-unpublished")
    post_page_move.connect(forget, dispatch_uid="frame-cache-moved")
    post_save.connect(_forget_on_change, dispatch_uid="frame-cache-saved")
    post_delete.connect(_forget_on_change, dispatch_uid="frame-cache-deleted")
    # A page made private (or public again) leaves (or joins) the event listings kept
    # in bulletin bodies; Wagtail sends no publish for it.
    from wagtail.models import PageViewRestriction

    for signal in (post_save, post_delete):
        signal.connect(
            forget,
            sender=PageViewRestriction,
            dispatch_uid=f"frame-cache-restriction-{signal is post_save}",
        )
