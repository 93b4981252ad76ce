"""Documents through Wagtail's serve view (it checks collection privacy and passwords),
with its headers put right, and its password form in the reader's language."""

import functools

from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model
from wagtail.documents.views import serve as wagtail_serve


def in_reader_language(view):
    """A document's password form (and its wrong-password answer) in the language
    LocaleMiddleware would read from the request: the language cookie, else
    Accept-Language, as the site's 404 for an unprefixed path (cms.errors). Document
    URLs have no language prefix, so Django gave every reader the English form, left
    to right. Only the form: a document itself is the same file in every language,
    and keeps its caching headers."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                request.LANGUAGE_CODE = language
                response.render()
                response.headers["Content-Language"] = language
                patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper


@require_safe
@in_reader_language
def serve(request, document_id, document_filename):
    response = wagtail_serve.serve(request, document_id, document_filename)
    # Wagtail's sendfile copies the encoding mimetypes guesses from the file name into
    # Content-Encoding, None included: every plain PDF said "Content-Encoding: None",
    # an encoding that does not exist, which strict proxies and clients refuse.
    if response.headers.get("Content-Encoding") == "None":
        del response.headers["Content-Encoding"]
    if response.status_code in (200, 206, 304) and _restricted(document_id):
        # A document of a private collection, served to someone who gave its password
        # (or signed in), carried no Cache-Control at all: a CDN in front, which
        # caches PDFs by default and keys on no cookie, would hand it to the next
        # visitor. Kept out of every cache, as Wagtail keeps private pages.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


def _restricted(document_id) -> bool:
    document = (
        get_document_model()
        .objects.select_related("collection")
        .filter(pk=document_id)
        .first()
    )
    return document is not None and document.collection.get_view_restrictions().exists()
