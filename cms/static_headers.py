"""The security headers of a page, on the static files WhiteNoise serves.

WhiteNoise answers before SecurityMiddleware sees the request, so without this a
stylesheet or script went out with neither HSTS nor nosniff.
"""

from wsgiref.headers import Headers

from django.conf import settings


def add_security_headers(headers: Headers, path: str, url: str) -> None:
    """WHITENOISE_ADD_HEADERS_FUNCTION: HSTS and nosniff as SecurityMiddleware sets
    them, from the same settings."""
    # WhiteNoise works its headers out once per file at start-up, not per request, so
    # HSTS goes out on plain HTTP too (pages send it only over HTTPS): harmless,
    # browsers ignore it there (RFC 6797, 8.1).
    if settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
