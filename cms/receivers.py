"""Signal receivers of the site: a change to a page purges the URLs that show it."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from cms.page_urls import full_urls, page_paths, purge_page, purge_urls, purging


def purge_changed_page(instance, **kwargs) -> None:
    purge_page(instance)


def purge_old_urls(instance_before, **kwargs) -> None:
    """A new slug: the copies cached at the old URLs go too (its children's old URLs
    expire with PAGE_CACHE_SECONDS)."""
    if purging():
        purge_urls(full_urls(instance_before, page_paths(instance_before)))


def purge_restricted_pages(instance, **kwargs) -> None:
    """A page made private (or public again): its copies, and those of the pages under
    it, must not be served to anybody from the cache. Restricted pages are never
    stored, so after this they are rendered, and refused, per request."""
    if not purging():
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:  # the page itself is being deleted: pre_delete purged it
        return
    # A default-locale page's restriction keeps its translations too (cms/routing.py).
    kept = [page]
    if page.locale_id == Locale.get_default().pk:
        kept = list(Page.objects.filter(translation_key=page.translation_key))
    # An alias of any of them (or of a page under them) tells the same: its copies go
    # too, and those of an alias of an alias.
    seen = set()
    while kept:
        sources = []
        for each in kept:
            if each.pk in seen:
                continue
            seen.add(each.pk)
            purge_page(each)
            sources.append(each.pk)
            for descendant in each.get_descendants().specific(defer=True).iterator():
                purge_urls(full_urls(descendant, page_paths(descendant)))
                sources.append(descendant.pk)
        kept = list(Page.objects.filter(alias_of_id__in=sources).exclude(pk__in=seen))


def keep_alias_chains_short(instance, **kwargs) -> None:
    """An alias no further from its source than cms.routing follows (ALIAS_HOPS).

    Wagtail's alias of an alias names the alias it was made from, so staff aliasing
    an alias of an alias of an alias made a fourth page past the hops the privacy
    checks follow: it answered anyone, and was listed, while its source was private.
    Such an alias names the source itself (the page that is no alias): it shows the
    same content, and its source's restrictions are one hop away."""
    if not isinstance(instance, Page) or instance.alias_of_id is None:
        return
    from cms.routing import ALIAS_HOPS

    chain, source_id = [], instance.alias_of_id
    while source_id is not None and source_id not in chain:
        chain.append(source_id)
        source_id = (
            Page.objects.filter(pk=source_id)
            .values_list("alias_of_id", flat=True)
            .first()
        )
    if len(chain) > len(ALIAS_HOPS):
        instance.alias_of = Page.objects.get(pk=chain[-1])


def finalize_provider_message(sender, message, esp_name, **kwargs) -> None:
    """anymail's pre_send: ESP messages get our Message-ID and transactional marks."""
    from cms.mail import hygiene

    hygiene.finalize(message)


def connect() -> None:
    from anymail.signals import pre_send

    pre_send.connect(finalize_provider_message, dispatch_uid="cms-mail-finalize")
    page_published.connect(purge_changed_page, dispatch_uid="page-cache-published")
    page_unpublished.connect(purge_changed_page, dispatch_uid="page-cache-unpublished")
    page_slug_changed.connect(purge_old_urls, dispatch_uid="page-cache-slug-changed")
    # Before a move the old URLs and listing, after it the new ones.
    pre_page_move.connect(purge_changed_page, dispatch_uid="page-cache-moving")
    post_page_move.connect(purge_changed_page, dispatch_uid="page-cache-moved")
    for signal in (post_save, post_delete):
        signal.connect(
            purge_restricted_pages,
            sender=PageViewRestriction,
            dispatch_uid=f"page-cache-restriction-{signal is post_save}",
        )
    pre_save.connect(keep_alias_chains_short, dispatch_uid="page-alias-chains")
    # Before: the URLs of a deleted page can no longer be worked out after.
    pre_delete.connect(
        purge_changed_page, sender=Page, dispatch_uid="page-cache-deleted"
    )
