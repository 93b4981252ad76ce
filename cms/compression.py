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
from django.utils.cache import patch_vary_headers

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


def accepts_gzip(request) -> bool:
    """Whether the request's Accept-Encoding takes gzip: named, or ``*``, with a
    q-value above 0. Django reads any "gzip" in it as yes, ``gzip;q=0`` (no) too."""
    named = star = None
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _equals, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding.lower() in ("gzip", "x-gzip"):
            named = max(named or 0.0, quality)
        elif coding == "*":
            star = quality
    chosen = named if named is not None else star
    return bool(chosen and chosen > 0)


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
        if not accepts_gzip(request):
            # What GZipMiddleware says of a body it could have compressed.
            if len(response.content) >= SMALLEST and not response.has_header(
                "Content-Encoding"
            ):
                patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)
