"""Uploaded images served by the app itself in production (MEDIA_STORAGE=local).

WhiteNoise serves only files that exist when the process starts, so uploads need
their own view (or a reverse proxy: docs/production.md). Only image folders are served:
documents go through Wagtail's view, which checks collection privacy. Responses carry
validators (ETag, Last-Modified, 304 on a match) and a public Cache-Control, so e-mail
clients and proxies fetch each image once.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

SERVED_FOLDERS = ("images/", "original_images/")
# An uploaded SVG is a document that could run script: never in our origin's context.
SANDBOX = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def media_file(path: str) -> Path:
    """The file under MEDIA_ROOT for a URL path, or Http404 (outside the image
    folders, escaping MEDIA_ROOT, missing)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        full = Path(safe_join(root, path)).resolve()
    except (SuspiciousFileOperation, ValueError):
        # ValueError: a NUL byte ("red.png%00.txt"), which no file name can hold.
        raise Http404 from None
    # Checked on the resolved path: "images/../documents/x" starts with "images/".
    relative = full.relative_to(root).as_posix() if full.is_relative_to(root) else ""
    if not relative.startswith(SERVED_FOLDERS) or not full.is_file():
        raise Http404
    return full


@require_safe
def serve_media(request, path: str):
    """One uploaded image with caching headers; 304 when the client's copy is current."""
    full = media_file(path)
    stat = full.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(stat.st_mtime)
    )
    if not_modified is not None:
        response = not_modified
    else:
        content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
        response = FileResponse(full.open("rb"), content_type=content_type)
        response["Last-Modified"] = http_date(stat.st_mtime)
        response["Content-Security-Policy"] = SANDBOX
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.MEDIA_CACHE_SECONDS}"
    return response
