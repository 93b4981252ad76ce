"""Signal receivers of the site: a change to a page purges the URLs that show it."""

from django.db.models.signals import pre_delete
from wagtail.models import Page
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from cms.page_urls import purge_page


def purge_changed_page(instance, **kwargs) -> None:
    purge_page(instance)


def finalize_provider_message(sender, message, esp_name, **kwargs) -> None:
    """anymail's pre_send: ESP messages get our Message-ID and transactional marks."""
    from cms.mail import hygiene

    hygiene.finalize(message)


def connect() -> None:
    from anymail.signals import pre_send

    pre_send.connect(finalize_provider_message, dispatch_uid="cms-mail-finalize")
    page_published.connect(purge_changed_page, dispatch_uid="page-cache-published")
    page_unpublished.connect(purge_changed_page, dispatch_uid="page-cache-unpublished")
    # Before a move the old URLs and listing, after it the new ones.
    pre_page_move.connect(purge_changed_page, dispatch_uid="page-cache-moving")
    post_page_move.connect(purge_changed_page, dispatch_uid="page-cache-moved")
    # Before: the URLs of a deleted page can no longer be worked out after.
    pre_delete.connect(
        purge_changed_page, sender=Page, dispatch_uid="page-cache-deleted"
    )
