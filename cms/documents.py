"""Documents through Wagtail's serve view (it checks collection privacy and passwords),
with one header of its put right."""

from wagtail.documents.views import serve as wagtail_serve


def serve(request, document_id, document_filename):
    response = wagtail_serve.serve(request, document_id, document_filename)
    # Wagtail's sendfile copies the encoding mimetypes guesses from the file name into
    # Content-Encoding, None included: every plain PDF said "Content-Encoding: None",
    # an encoding that does not exist, which strict proxies and clients refuse.
    if response.headers.get("Content-Encoding") == "None":
        del response.headers["Content-Encoding"]
    return response
