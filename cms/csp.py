"""The Content-Security-Policy of every response (django-csp), in two flavours.

Public pages: nothing but our own files. No inline script or style; a template that
needs an inline script gives it ``nonce="{{ request.csp_nonce }}"`` and the policy
names that nonce for that response only. Public pages carry no nonce otherwise, so a
page served from the page cache replays no secret. No framing, except the petition
widget's partner sites (campaigns/views.py). The admin (Wagtail) still writes a few
inline scripts and many inline styles, so under /admin/ those are allowed, and
nothing else is loosened.
"""

from functools import cache
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


@cache
def _asset_origins(*urls: str) -> tuple[str, ...]:
    """Origins of MEDIA_URL / STATIC_URL when they point at another host (a bucket)."""
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(origins)


# What a view sets on a response to change its policy (django-csp's decorators, and
# cms.embed.allow_framing_by).
PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace")


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if (
            300 <= response.status_code < 400
            and not response.streaming
            and not response.content
            and not any(getattr(response, name, None) for name in PER_RESPONSE)
        ):
            # A redirect with no body: the browser renders nothing of it, so the
            # site's policy would guard nothing. Building one was ~6 % of a
            # signature's Python time (every signature and RSVP answers with a
            # redirect). A view's own policy (the framed widget's) is still sent.
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = default_config(settings.CSP_ADMIN_DIRECTIVES)
        elif getattr(request, "is_preview", False):
            # Wagtail renders the editor's preview through the middleware as a request
            # for the page's own URL; the public policy's frame-ancestors 'none' kept
            # it out of the editor's preview panel (a broken-page icon, every page).
            replace = {"frame-ancestors": ["'self'"]}
            if getattr(request, "preview_mode", "") == "email":
                # An e-mail's styles are all inline (mail clients read no other).
                replace["style-src"] = ["'self'", "'unsafe-inline'"]
            parts.replace = {**(parts.replace or {}), **replace}
        origins = _asset_origins(settings.MEDIA_URL, settings.STATIC_URL)
        if origins:
            extra = {"img-src": list(origins), "media-src": list(origins)}
            if settings.STATIC_URL.startswith(("http://", "https://")):
                extra.update({"style-src": list(origins), "script-src": list(origins)})
            parts.update = {**extra, **(parts.update or {})}
        return parts
