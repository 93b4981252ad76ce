"""No cached copy carries what one request said about the host or the scheme.

The page cache keeps one copy per host name, whatever its port, case or trailing dot
(cms/page_cache.py), so anything a page builds from ``request.get_host()``, the
scheme or a forwarding header is served to every reader for the cache's lifetime:
Django's syndication once put ``Host: ONA.example.org:9999`` into every link of the
bulletin feeds that way. This guard walks every page type readers can reach (home,
listings, bulletins, events, their feeds and calendars, petitions, signup, places
fragments, sitemap.xml, robots.txt, search) in several languages, asks each one
first with a forged host or forwarding header, then as a reader would, and looks for
the forgery in what the reader got.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone
from wagtail.models import Site

from cms.models import AlertPage
from tests.cms.site_builders import multilingual_site
from tests.cms.test_page_cache import use_page_cache
from tests.security.production import apply_production, https_client

pytestmark = pytest.mark.django_db

HOST = "ona.example.org"
FORGERIES = {
    "port and case": {"HTTP_HOST": "ONA.example.org:9999"},
    "trailing dot and forwarding headers": {
        "HTTP_HOST": "ona.example.org.:9999",
        "HTTP_X_FORWARDED_HOST": "evil.example:9999",
        "HTTP_X_FORWARDED_SERVER": "evil.example",
        "HTTP_X_FORWARDED_PORT": "9999",
        "HTTP_FORWARDED": "for=203.0.113.9;host=evil.example;proto=http",
        "HTTP_X_ORIGINAL_URL": "/evil/",
        "HTTP_X_REWRITE_URL": "/evil/",
    },
}
# Behind a proxy that redirects plain HTTP itself (SECURE_SSL_REDIRECT=0), a request
# that says it came over HTTP shares the HTTPS copy.
PLAIN_HTTP = {"HTTP_X_FORWARDED_PROTO": "http"}
MARKS = ("9999", "evil", "ONA.example", "http://ona.example.org", "testserver")
# Reached from the pages themselves: links, sources, forms, fragments, sitemap entries.
LINK = re.compile(r'(?:href|src|action|data-places)="([^"]+)"|<loc>([^<]+)</loc>')
LANGUAGE_ROOTS = ("/", "/es/", "/ar/", "/zh-hans/")
# The walk follows links in these (every language is a page's switcher away; the
# others are the same templates).
FOLLOWED = re.compile(r"^/(?:(?:es|ar)/)?(?!(?:hi|pl|zh-hans)/)")


@pytest.fixture
def site(home_page, settings, django_capture_on_commit_callbacks):
    apply_production(settings)
    settings.ALLOWED_HOSTS = [HOST]
    with django_capture_on_commit_callbacks(execute=True):
        pages = multilingual_site(home_page)
        alert = AlertPage(
            title="Rally today at 4:30pm",
            message="<p>Join us at the DHS office.</p>",
            event=pages["event"],
        )
        pages["bulletins"].add_child(instance=alert)
        alert.save_revision().publish()
        past = pages["event"].copy(
            update_attrs={
                "slug": "last-year",
                "title": "Last year's session",
                "start": timezone.now() - timedelta(days=300),
            }
        )
        past.save_revision().publish()
    root = Site.objects.get(is_default_site=True)
    root.hostname, root.port = HOST, 443
    root.save()
    return {**pages, "alert": alert}


def reachable_paths(client, site) -> list[str]:
    """Every same-site path a reader can reach from the language roots, the sitemap,
    robots.txt, the feeds and a search, without the static files and uploads."""
    event, petition = site["event"], site["petition"]
    start = [
        *LANGUAGE_ROOTS,
        "/sitemap.xml",
        "/robots.txt",
        "/search/?q=rights",
        "/es/search/?q=derechos",
        "/bulletins/feed/",
        "/ar/bulletins/feed/atom/",
        site["alert"].url,
        f"{event.url}ical/",
        f"/_events/{event.pk}/places/",
        f"/ar/_events/{event.pk}/places/",
        f"/petitions/embed/{petition.pk}/",
        f"/es/petitions/embed/{petition.pk}/",
    ]
    seen, todo = set(), list(start)
    # Siblings deeper down are the same view (eight event kinds' feeds, under
    # /events/feed/ in each language): three of each will do.
    siblings = Counter()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, HTTP_HOST=HOST)
        if response.streaming or response.status_code != 200:
            continue
        for found in LINK.findall(response.content.decode(errors="replace")):
            url = (found[0] or found[1]).replace("&amp;", "&")
            url = url.removeprefix(f"https://{HOST}")
            if (
                FOLLOWED.match(url)
                and not url.startswith(("//", "/static/", "/media/", "/admin/"))
                and "language=" not in url  # the switcher's, to the same views
                and url not in seen
            ):
                parent = url.split("?")[0].rstrip("/").rsplit("/", 1)[0]
                siblings[parent] += 1
                deep = FOLLOWED.sub("/", parent).count("/") >= 2
                if not deep or siblings[parent] <= 3:
                    todo.append(url)
    return sorted(seen)


def forged_in(response) -> list[str]:
    if response.streaming:
        return []
    seen = response.content.decode(errors="replace") + repr(sorted(response.items()))
    return [mark for mark in MARKS if mark in seen]


def test_no_cached_answer_carries_a_forged_host(site, settings):
    # The cache as deployed: Redis where the run has it, else the per-process one.
    use_page_cache(settings, "redis" if settings.REDIS_URL else "locmem")
    client = https_client(HTTP_REFERER=f"https://{HOST}/")
    paths = reachable_paths(client, site)
    # The walk found every kind of page (a guard that walked nothing would pass).
    for expected in (
        "/",
        "/es/",
        "/ar/",
        site["bulletin"].url,
        "/es" + site["bulletin"].url,
        site["event"].url,
        "/ar" + site["event"].url,
        site["events"].url,
        site["petition"].url,
        site["join"].url,
        "/bulletins/feed/atom/",
        "/sitemap.xml",
    ):
        assert expected in paths, expected

    cases = [(name, forged, True) for name, forged in FORGERIES.items()]
    cases.append(("plain http", PLAIN_HTTP, False))
    for name, forged, ssl_redirect in cases:
        settings.SECURE_SSL_REDIRECT = ssl_redirect
        # SecurityMiddleware reads the setting when a client's handler loads it.
        client = https_client(HTTP_REFERER=f"https://{HOST}/")
        caches["pages"].clear()
        poisoned, stored = {}, set()
        for path in paths:
            first = client.get(path, **{"HTTP_HOST": HOST, **forged})
            reader = client.get(path, HTTP_HOST=HOST)
            if first.get("X-Page-Cache") == "miss":
                stored.add(path)
                assert reader.get("X-Page-Cache") == "hit", (name, path)
            if marks := forged_in(reader):
                poisoned[path] = marks
        assert not poisoned, (name, poisoned)
        # Every cacheable kind was stored from the forged request, then served.
        for cached in ("/", "/ar/", site["bulletin"].url, site["event"].url):
            assert cached in stored, (name, cached)
        assert "/sitemap.xml" in stored, name
        assert "/bulletins/feed/atom/" in stored, name
    caches["pages"].clear()
