"""The Wagtail Site follows BASE_URL: page URLs, share links and feeds are built from
the Site's hostname and port, e-mail links from BASE_URL, and the two must agree."""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site


def base_url_host_port(base_url: str | None = None) -> tuple[str, int]:
    parts = urlsplit(base_url or settings.WAGTAILADMIN_BASE_URL)
    return (parts.hostname or "localhost"), (
        parts.port or (443 if parts.scheme == "https" else 80)
    )


def sync_default_site(*, base_url: str | None = None) -> Site | None:
    """Set the default Site's hostname and port from BASE_URL; None if there is no
    default Site. Safe to run twice (saves only on a change)."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    hostname, port = base_url_host_port(base_url)
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save()
    return site
