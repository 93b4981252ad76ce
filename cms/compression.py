"""Pages, feeds and API answers gzip-compressed for the readers whose browser accepts it.

Readers open a rally alert on cheap phones over slow, metered mobile data: a page is
about three times smaller compressed (Devanagari, Arabic and Chinese take two or three
bytes a letter in UTF-8). Images, PDFs and other files that are compressed already
(uploaded media, documents) pass as they are: gzip would cost the server time, save
nothing and drop their Content-Length. So does every streamed answer (a served
document, whatever its type, keeps its strong ETag and its ranges). Static files are WhiteNoise's, compressed when
collected. Django's GZipMiddleware adds random bytes to each body against BREACH, and
CSRF tokens are masked per response.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
    "image/svg+xml",
)


# GZipMiddleware's own floor: a shorter body gains nothing.
SMALLEST = 200


def compresses(content_type: str, content: bytes) -> bool:
    """Whether a stored body of this type and length is worth compressing."""
    return content_type.lower().startswith(TEXT_TYPES) and len(content) >= SMALLEST


class TextGZipMiddleware(GZipMiddleware):
    def __call__(self, request):
        response = super().__call__(request)
        if request.method == "HEAD" and not response.streaming:
            # Django leaves the body to the server, and gunicorn sends none for HEAD
            # but logs a warning for each. Taken away here, after compression, so
            # the headers (Content-Length, Content-Encoding, Vary) are a GET's.
            response.content = b""
        return response

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").lower()
        if response.streaming or not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
