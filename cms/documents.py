"""Documents through Wagtail's serve view (it checks collection privacy and passwords),
with its headers put right."""

from django.utils.cache import add_never_cache_headers, patch_cache_control
from wagtail.documents import get_document_model
from wagtail.documents.views import serve as wagtail_serve


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
