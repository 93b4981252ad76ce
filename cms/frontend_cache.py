"""Wagtail's frontend-cache backend for our own page cache.

``WAGTAILFRONTENDCACHE`` lists this backend next to an optional CDN or Varnish one
(``FRONTEND_CACHE_PURGE_URL``), so one list of URLs (``cms.page_urls``) clears the
in-app cache and the proxy in front alike.
"""

from urllib.parse import urlsplit

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from cms.page_cache import purge_paths


class PageCacheBackend(BaseBackend):
    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        purge_paths(urlsplit(url).path or "/" for url in urls)
