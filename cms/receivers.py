"""Signal receivers of the site: any change to the page tree clears the page cache."""

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.page_cache import bump_generation


def clear_page_cache(**kwargs) -> None:
    bump_generation()


def finalize_provider_message(sender, message, esp_name, **kwargs) -> None:
    """anymail's pre_send: ESP messages get our Message-ID and transactional marks."""
    from cms.mail import hygiene

    hygiene.finalize(message)


def connect() -> None:
    from anymail.signals import pre_send

    pre_send.connect(finalize_provider_message, dispatch_uid="cms-mail-finalize")
    page_published.connect(clear_page_cache, dispatch_uid="page-cache-published")
    page_unpublished.connect(clear_page_cache, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(clear_page_cache, dispatch_uid="page-cache-moved")
    post_delete.connect(
        clear_page_cache, sender=Page, dispatch_uid="page-cache-deleted"
    )
