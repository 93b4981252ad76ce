"""The anonymous page cache: hits are fast, a publish shows on the next request on every
page that shows the change (translations, listings, home), an RSVP changes only the
places left, crawlers' query strings store nothing."""

import http.server
import os
import secrets
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import date

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.utils import timezone, translation

from events.models import EventPage
from events.places import places_html
from tests.factories import (
    SuperuserFactory,
    build_bulletin,
    build_event,
    build_event_index,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db

BACKENDS = {
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages-test",
    },
    # Each test process its own keys: two processes share the Redis database.
    "redis": {
        "BACKEND": "cms.cache.FailSoftRedisCache",
        "KEY_PREFIX": f"pages-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
    },
}


def use_page_cache(settings, backend: str):
    config = dict(BACKENDS[backend])
    if backend == "redis":
        config["LOCATION"] = settings.REDIS_URL
    settings.CACHES = {**settings.CACHES, "pages": config}
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    return caches["pages"]


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def page_cache(request, settings):
    """The page cache on, in a per-process cache (bare world) or in Redis."""
    yield use_page_cache(settings, request.param)
    caches["pages"].clear()


def stored_keys(cache) -> int:
    """How many keys the page cache holds."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return len(cache._cache)
    client = cache._cache.get_client(None)
    return sum(1 for _ in client.scan_iter(match=f"{cache.key_prefix}:*"))


def test_second_visit_is_served_from_the_cache(client, home_page, page_cache):
    bulletin = build_bulletin(title="February bulletin")
    first = client.get(bulletin.url)
    second = client.get(bulletin.url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_spellings_of_one_host_share_one_copy(client, home_page, page_cache):
    """A port, capitals or a trailing dot in Host (all accepted by Django for an
    allowed host) must not buy an uncached render and a new entry each."""
    bulletin = build_bulletin(title="February bulletin")
    assert client.get(bulletin.url, HTTP_HOST="ona.example.org")["X-Page-Cache"] == (
        "miss"
    )
    before = stored_keys(page_cache)
    for spelling in ("ona.example.org:12345", "ONA.Example.ORG", "ona.example.org."):
        answer = client.get(bulletin.url, HTTP_HOST=spelling)
        assert answer["X-Page-Cache"] == "hit", spelling
    assert stored_keys(page_cache) == before
    assert client.get(bulletin.url, HTTP_HOST="other.example.org")["X-Page-Cache"] == (
        "miss"
    ), "another host name is another copy"


def test_a_feed_cached_for_one_spelling_of_the_host_links_to_the_site(
    client, home_page, page_cache
):
    """Spellings of one host share a copy, so nothing in a copy may come from the
    Host header: a feed rendered for ``ONA.example.org:9999`` was stored and served
    to every reader with each link on port 9999 (Django's syndication builds them
    from ``get_host()``). The links are the Wagtail Site's, as the pages' are."""
    from wagtail.models import Site

    build_bulletin(title="February bulletin", slug="february")
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "ona.example.org", 443
    site.save()
    for path in ("/bulletins/feed/", "/bulletins/feed/atom/"):
        forged = client.get(path, HTTP_HOST="ONA.example.org:9999")
        assert forged["X-Page-Cache"] == "miss"
        served = client.get(path, HTTP_HOST="ona.example.org")
        assert served["X-Page-Cache"] == "hit"
        body = served.content.decode()
        assert "9999" not in body, path
        assert "ONA.example" not in body, path
        assert "https://ona.example.org/bulletins/february/" in body, path
        assert "https://ona.example.org/bulletins/" in body, path
        assert f"https://ona.example.org{path}" in body, path


def test_plain_http_is_sent_to_https_even_when_the_page_is_cached(
    client, home_page, page_cache, settings
):
    """Behind a proxy that passes port 80 through, a stored copy must not answer a
    plain HTTP request that SecurityMiddleware would send to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    bulletin = build_bulletin(title="February bulletin")
    # The proxy passes the Host header as it came (the test client would add ":80").
    host = {"HTTP_HOST": "testserver"}
    over_https = {**host, "HTTP_X_FORWARDED_PROTO": "https"}
    assert client.get(bulletin.url, **over_https)["X-Page-Cache"] == "miss"
    assert client.get(bulletin.url, **over_https)["X-Page-Cache"] == "hit"

    plain = client.get(bulletin.url, **host)

    assert plain.status_code == 301
    assert plain["Location"] == f"https://testserver{bulletin.url}"
    assert "X-Page-Cache" not in plain


def wsgi_answer(method: str, path: str, **meta) -> tuple[str, dict, bytes]:
    """What a WSGI server gets from the project's application (the test client takes
    a HEAD body away itself, gunicorn does not)."""
    import io
    import sys

    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **meta,
    }  # fmt: skip
    # As the test client does: the test's transaction keeps its connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_head_is_answered_from_the_cache_without_a_body(home_page, page_cache):
    bulletin = build_bulletin(title="February bulletin")
    _status, got, page = wsgi_answer("GET", bulletin.url)

    status, headers, body = wsgi_answer("HEAD", bulletin.url)

    assert status == "200 OK"
    assert body == b""
    assert headers["X-Page-Cache"] == "hit", "a flood of HEADs renders nothing"
    assert headers["Content-Length"] == str(len(page)) == got["Content-Length"]


def test_head_says_what_get_would_send_compressed(home_page, page_cache):
    """A HEAD's body was taken away inside the gzip middleware, which then left the
    empty body alone: a browser that accepts gzip heard of a plain page (its
    uncompressed length, no Content-Encoding, no Vary: Accept-Encoding) that a GET
    sends compressed, and a cache updating its stored copy from a HEAD would have
    taken those headers."""
    bulletin = build_bulletin(title="February bulletin")
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    _status, first, body = wsgi_answer("HEAD", bulletin.url, **gzip)
    _status, got, page = wsgi_answer("GET", bulletin.url, **gzip)
    _status, again, _body = wsgi_answer("HEAD", bulletin.url, **gzip)

    _status, plain, _page = wsgi_answer("GET", bulletin.url)

    assert body == b""
    assert got["Content-Encoding"] == "gzip"
    assert (first["X-Page-Cache"], got["X-Page-Cache"]) == ("miss", "hit")
    for name in ("Content-Encoding", "Content-Length", "Vary"):
        assert again.get(name) == got[name], name  # the same stored copy
    # The render's own compression (its random padding: another length).
    assert first.get("Content-Encoding") == "gzip"
    assert first["Vary"] == got["Vary"]
    assert int(first["Content-Length"]) < int(plain["Content-Length"])


def test_the_home_page_is_cached_like_the_rest(client, home_page, page_cache):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_publish_and_unpublish_show_at_once(
    client, home_page, page_cache, django_capture_on_commit_callbacks
):
    bulletin = build_bulletin(title="Rally today")
    client.get(bulletin.url)
    assert client.get(bulletin.url)["X-Page-Cache"] == "hit"

    bulletin.title = "Rally moved to 5pm"
    bulletin.save_revision().publish()
    changed = client.get(bulletin.url)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin.unpublish()
    gone = client.get(bulletin.url)

    assert changed["X-Page-Cache"] == "miss"
    assert "Rally moved to 5pm" in changed.content.decode()
    assert gone.status_code == 404


def test_a_page_made_private_is_no_longer_served_from_the_cache(
    client, home_page, page_cache, django_capture_on_commit_callbacks
):
    """Neither the page nor the pages under it: a copy stored while they were public
    must not reach anybody once a password or login protects them."""
    from wagtail.models import PageViewRestriction

    index = build_event_index()
    event = build_event(index, title="Closed strategy meeting")
    for url in (index.url, event.url):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=index, restriction_type=PageViewRestriction.LOGIN
        )
    for url in (index.url, event.url, "/es" + event.url):
        answer = client.get(url)
        assert answer.status_code == 302, url  # to the login page
        assert "Closed strategy meeting" not in answer.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert "Closed strategy meeting" in client.get(event.url).content.decode()


def test_a_new_slug_leaves_no_copy_at_the_old_url(
    client, home_page, page_cache, django_capture_on_commit_callbacks
):
    bulletin = build_bulletin(title="Rally today")
    old_url = bulletin.url
    client.get(old_url)
    assert client.get(old_url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        bulletin.slug = "rally-moved"
        bulletin.save_revision().publish()

    moved = client.get(old_url)
    assert moved.status_code == 301, "Wagtail's redirect, not the cached copy"
    assert moved["Location"] == "/bulletins/rally-moved/"


def test_a_publish_shows_in_every_language_listing_feed_and_home(
    client, home_page, page_cache
):
    """The English bulletin is served under /es/ until translated, and listed by the
    Spanish archive and home page: its publish purges them all, not only its own URL."""
    translate_page(home_page, "es")
    bulletin = build_bulletin(title="Know your rights")
    urls = [
        bulletin.url,
        f"/es{bulletin.url}",
        "/bulletins/",
        "/es/bulletins/",
        "/bulletins/feed/",
        "/",
        "/es/",
    ]
    for url in urls:
        client.get(url)
    assert {client.get(url)["X-Page-Cache"] for url in urls} == {"hit"}

    bulletin.title = "Know your rights: new hotline"
    bulletin.save_revision().publish()

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "new hotline" in response.content.decode(), url


def test_an_event_publish_shows_on_its_translation(client, home_page, page_cache):
    event = build_event(title="Rally", venue="Federal Plaza")
    spanish = translate_page(event, "es", title="Manifestación")
    for _ in range(2):
        client.get(spanish.url)
    assert client.get(spanish.url)["X-Page-Cache"] == "hit"

    event.venue = "Daley Plaza"
    event.save_revision().publish()

    assert "Daley Plaza" in client.get(spanish.url).content.decode()


def test_other_pages_stay_cached_after_a_publish(client, home_page, page_cache):
    event = build_event(title="Lobby day")
    bulletin = build_bulletin(title="March bulletin")
    client.get(event.url)
    bulletin.title = "March bulletin, corrected"
    bulletin.save_revision().publish()
    assert client.get(event.url)["X-Page-Cache"] == "hit"


def test_an_rsvp_changes_the_places_left_on_the_next_request(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """The RSVP's own request re-renders the fragments its host's readers had cached,
    in their languages, so the next reader gets a hit with the new count; a language
    nobody read stays uncached, and the page itself is not touched."""
    event = build_event(title="Rally", rsvp_mode="internal", capacity=5)
    places_url = f"/_events/{event.pk}/places/"
    reader, guest = Client(), Client()
    page = reader.get(event.url)
    assert f'data-places="{places_url}"' in page.content.decode()
    assert "5 places left" in reader.get(places_url).content.decode()
    assert reader.get(places_url)["X-Page-Cache"] == "hit"
    assert reader.get("/es" + places_url)["X-Page-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        answer = guest.post(
            f"/_events/{event.pk}/rsvp/",
            {"name": "Ana", "email": "ana@example.org", "website": ""},
        )
    assert answer.status_code == 303

    places = reader.get(places_url)
    assert places["X-Page-Cache"] == "hit", "re-rendered by the RSVP's request"
    assert "4 places left" in places.content.decode()
    spanish = reader.get("/es" + places_url)
    assert spanish["X-Page-Cache"] == "hit"
    assert spanish["Content-Language"] == "es"
    assert "Quedan 4 lugares" in spanish.content.decode()
    assert reader.get("/pl" + places_url)["X-Page-Cache"] == "miss", "never read"
    assert reader.get(event.url)["X-Page-Cache"] == "hit", "the page itself stays"
    assert "4 places left" in Client().get(event.url + "rsvp/").content.decode()
    assert "4 places left" in Client().get(event.url + "places/").content.decode()


def test_the_thank_you_page_after_an_rsvp_is_cached_until_the_event_changes(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """Every RSVP is redirected to it and it is the same for everyone: a hit without a
    query, untouched by later RSVPs, fresh again on the event's next publish. The
    form itself (a CSRF token) is never stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = build_event(title="Rally", rsvp_mode="internal", capacity=5)

    def rsvp(email):
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post(
                f"/es/_events/{event.pk}/rsvp/",
                {"name": "Ana", "email": email, "website": ""},
            )

    answer = rsvp("ana@example.org")
    assert answer.status_code == 303
    sent_url = answer["Location"]
    # Under the event's own page in the reader's language, not an internal URL.
    assert sent_url == f"/es{event.url}rsvp/?sent=1"
    # The plain URL RSVPs were sent to before stays for tabs and links of then.
    old_url = f"/es/_events/{event.pk}/rsvp/?sent=1"
    for url in (sent_url, old_url):
        assert Client().get(url)["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            again = Client().get(url)
        assert again["X-Page-Cache"] == "hit"
        assert len(queries) == 0
        assert again["Content-Language"] == "es"
        assert "Rally" in again.content.decode()

    rsvp("bo@example.org")
    for url in (sent_url, old_url):
        assert Client().get(url)["X-Page-Cache"] == "hit", "RSVPs leave it"

    event.title = "Rally, moved to City Hall"
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    for url in (sent_url, old_url):
        moved = Client().get(url)
        assert moved["X-Page-Cache"] == "miss"
        assert "Rally, moved to City Hall" in moved.content.decode()

    for form_url in (f"/es/_events/{event.pk}/rsvp/", f"/es{event.url}rsvp/"):
        for _ in range(2):
            form = Client().get(form_url)
            assert "csrfmiddlewaretoken" in form.content.decode()
            assert form.get("X-Page-Cache") != "hit"


def test_the_places_fragment_is_one_token_in_every_language(home_page, page_cache):
    """Its six copies show the same count and change together: one token for them
    all (an RSVP purges and watches one key, not six). Nothing else is grouped: a
    page's translations, and other events' fragments, keep their own."""
    from cms.page_cache import purge_paths, version_key
    from cms.page_urls import places_paths

    event = build_event(title="Rally", rsvp_mode="internal", capacity=5)
    other = build_event(title="Lobby day", slug="lobby-day", rsvp_mode="internal")
    assert len({version_key(path) for path in places_paths(event.pk)}) == 1
    assert len(places_paths(event.pk)) == len(LANGUAGES)
    assert version_key(places_paths(event.pk)[0]) != version_key(
        places_paths(other.pk)[0]
    )
    assert version_key("/es/events/") != version_key("/events/")
    assert version_key("/es/_events/") != version_key("/_events/")

    reader = Client()
    for prefix in ("", "/es", "/ar"):
        reader.get(f"{prefix}/_events/{event.pk}/places/")
        reader.get(f"{prefix}/_events/{other.pk}/places/")
    purge_paths([f"/pl/_events/{event.pk}/places/"])
    for prefix in ("", "/es", "/ar"):
        purged = reader.get(f"{prefix}/_events/{event.pk}/places/")
        kept = reader.get(f"{prefix}/_events/{other.pk}/places/")
        assert (purged["X-Page-Cache"], kept["X-Page-Cache"]) == ("miss", "hit")


@pytest.mark.parametrize("language", ["", "/es", "/ar", "/zh-hans"])
def test_a_refilled_fragment_is_the_one_a_reader_would_render(
    home_page, page_cache, language, django_capture_on_commit_callbacks
):
    """Byte for byte, with the headers a render through the whole stack gives (the
    length too: "10 places" is longer than "9 places")."""
    from cms.page_cache import purge_paths

    event = build_event(title="Rally", rsvp_mode="internal", capacity=10)
    places_url = f"{language}/_events/{event.pk}/places/"
    reader = Client()
    reader.get(places_url)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/_events/{event.pk}/rsvp/",
            {"name": "Ana", "email": "ana@example.org", "website": ""},
        )
    refilled = reader.get(places_url)
    purge_paths([places_url])
    rendered = reader.get(places_url)

    assert (refilled["X-Page-Cache"], rendered["X-Page-Cache"]) == ("hit", "miss")
    assert refilled.content == rendered.content
    for header in ("Content-Length", "Content-Language", "Content-Type", "Vary"):
        assert refilled.get(header) == rendered.get(header), header
    assert int(refilled["Content-Length"]) == len(refilled.content)


def test_a_refill_overtaken_by_a_later_change_is_never_served_fresh(
    home_page, page_cache
):
    """A copy rendered from what was read before another change committed and purged
    is not stored: the purge still happens, and the next reader renders the newer
    state. Without such a change the copy is stored, and is a hit."""
    from cms.page_cache import purge_and_refill, purge_paths

    path = build_bulletin(title="Any").url
    reader = Client()
    assert reader.get(path)["X-Page-Cache"] == "miss"

    def render_then_another_change_lands(language):
        purge_paths([path])  # the other change's purge, after its commit
        return b"what was read before it", None

    def overtaken_every_time():
        return render_then_another_change_lands

    assert purge_and_refill("testserver", [path], overtaken_every_time) == 0
    answer = reader.get(path)
    assert answer["X-Page-Cache"] == "miss"
    assert b"what was read before it" not in answer.content
    assert b"Any" in answer.content

    reader.get(path)
    overtaken_once = iter(
        [render_then_another_change_lands, lambda language: (b"new", None)]
    )
    assert purge_and_refill("testserver", [path], overtaken_once.__next__) == 1
    assert reader.get(path).content == b"new", "the second attempt stored it"

    assert purge_and_refill("elsewhere.example", [path], lambda: None) == 0
    assert reader.get(path)["X-Page-Cache"] == "miss", "purged for every host"


@contextmanager
def redis_commands(cache):
    """The commands Redis receives meanwhile naming ``cache``'s keys (MONITOR; not
    those a script runs), for a Redis cache; nothing for a per-process one. The page
    cache's scripts are loaded first, as on any Redis that has served a page."""
    seen = []
    if not hasattr(cache, "refill_if_later"):
        yield seen
        return
    import redis
    from django.conf import settings

    from cms import cache as scripts

    prefix = cache.key_prefix + ":"
    client = redis.Redis.from_url(settings.REDIS_URL)
    # A Redis that has not run a script yet answers its first EVALSHA with NOSCRIPT and
    # redis-py sends it again after SCRIPT LOAD: loaded first, each call is one EVALSHA.
    for source in (scripts.SET_UNLESS_CHANGED, scripts.REFILL_IF_LATER):
        client.script_load(source)
    ready = threading.Event()

    def watch():
        with client.monitor() as monitor:
            ready.set()
            for event in monitor.listen():
                if event.get("client_type") == "lua" or prefix not in event["command"]:
                    continue
                if prefix + "stop-watching" in event["command"]:
                    return
                seen.append(event["command"].split()[0].upper())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert ready.wait(5)
    try:
        yield seen
    finally:
        client.get(prefix + "stop-watching")
        watcher.join(5)
        client.close()


def rsvp_on_hold(event, email: str, capture):
    """An RSVP committed, with its after-commit steps (the places refill) held back:
    run them with ``run(steps)``."""
    with capture(execute=False) as steps:
        answer = Client().post(
            f"/_events/{event.pk}/rsvp/",
            {"name": "Guest", "email": email, "website": ""},
        )
    assert answer.status_code == 303
    return steps


def run(steps) -> list[str]:
    """Run held after-commit steps; the statements they sent about the places."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for step in steps:
            step()
    return [q["sql"] for q in queries if "events_eventplaces" in q["sql"]]


def places_shown(event, reader) -> tuple[str, str]:
    answer = reader.get(f"/es/_events/{event.pk}/places/")
    return answer["X-Page-Cache"], answer.content.decode()


def test_an_rsvp_shows_its_own_count_without_counting_again(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """The claim returns the places left and the number of that state (events
    migration 0009); once the cached copies say which state their token came with,
    the RSVP's refill shows its own count, and the next reader's hit is what a render
    from the database gives."""
    from cms.page_cache import purge_paths

    event = build_event(title="Rally", rsvp_mode="internal", capacity=10)
    reader = Client()
    reader.get(f"/es/_events/{event.pk}/places/")
    first = run(
        rsvp_on_hold(event, "ana@example.org", django_capture_on_commit_callbacks)
    )
    assert len(first) == 1, "the copies were a reader's: the refill counts"
    assert places_shown(event, reader) == ("hit", places_shown_text(event, 9))

    held = rsvp_on_hold(event, "bo@example.org", django_capture_on_commit_callbacks)
    with redis_commands(page_cache) as sent:
        second = run(held)
    assert second == [], "the copies came with the last refill: nothing to count"
    if hasattr(page_cache, "refill_if_later"):
        assert sent == ["EVALSHA"], "in Redis, one script and no read first"
    hit = reader.get(f"/es/_events/{event.pk}/places/")
    purge_paths([f"/es/_events/{event.pk}/places/"])
    rendered = reader.get(f"/es/_events/{event.pk}/places/")
    assert (hit["X-Page-Cache"], rendered["X-Page-Cache"]) == ("hit", "miss")
    assert hit.content == rendered.content
    assert "8" in hit.content.decode()


def places_shown_text(event, places_left: int) -> str:
    from django.utils import translation

    from events.places import places_html

    with translation.override("es"):
        return places_html(event, event, places_left)


def test_a_language_first_read_since_the_last_refill_is_refilled_too(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """The one-script refill writes only the copies whose headers this process has
    seen: when a reader has cached another language since, it reads and decides as
    before, so that language's copy is refilled too instead of left stale."""
    event = build_event(title="Rally", rsvp_mode="internal", capacity=10)
    reader = Client()
    reader.get(f"/es/_events/{event.pk}/places/")
    run(rsvp_on_hold(event, "ana@example.org", django_capture_on_commit_callbacks))
    arabic = reader.get(f"/ar/_events/{event.pk}/places/")
    assert arabic["X-Page-Cache"] == "miss", "first read in Arabic"
    run(rsvp_on_hold(event, "bo@example.org", django_capture_on_commit_callbacks))
    for language in ("es", "ar"):
        answer = reader.get(f"/{language}/_events/{event.pk}/places/")
        assert answer["X-Page-Cache"] == "hit", language
        with translation.override(language):
            assert answer.content.decode() == places_html(event, event, 8)


def test_a_change_the_copies_cannot_place_is_counted_again(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """A place freed by hand in the admin after an RSVP's claim, purged without a
    number before the RSVP's refill: the refill cannot know its own count is behind,
    so it counts, and the copy shows both changes."""
    from events.models import Rsvp
    from events.rsvps import purge_places

    event = build_event(title="Rally", rsvp_mode="internal", capacity=10)
    reader = Client()
    reader.get(f"/es/_events/{event.pk}/places/")
    run(rsvp_on_hold(event, "ana@example.org", django_capture_on_commit_callbacks))
    held = rsvp_on_hold(event, "bo@example.org", django_capture_on_commit_callbacks)
    ana = Rsvp.objects.filter(event=event).order_by("pk").first()
    Rsvp.objects.filter(pk=ana.pk).update(status=Rsvp.Status.CANCELLED)  # by hand
    purge_places(event.pk)  # as events.receivers does after such a change
    assert len(run(held)) == 1
    assert places_shown(event, reader) == ("hit", places_shown_text(event, 9))


def test_a_refill_of_an_earlier_state_leaves_the_later_one(
    home_page, page_cache, django_capture_on_commit_callbacks
):
    """Two RSVPs at once, the second's refill first: the first's refill finds copies
    of a later state than its own (they show its place too) and leaves them, without
    counting; were it to store its own, the count would go back up."""
    event = build_event(title="Rally", rsvp_mode="internal", capacity=10)
    reader = Client()
    reader.get(f"/es/_events/{event.pk}/places/")
    run(rsvp_on_hold(event, "ana@example.org", django_capture_on_commit_callbacks))
    earlier = rsvp_on_hold(event, "bo@example.org", django_capture_on_commit_callbacks)
    run(rsvp_on_hold(event, "cy@example.org", django_capture_on_commit_callbacks))
    assert places_shown(event, reader) == ("hit", places_shown_text(event, 7))
    assert run(earlier) == []
    assert places_shown(event, reader) == ("hit", places_shown_text(event, 7))


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    """A CDN's purge endpoint (Wagtail's HTTPBackend sends PURGE <path>, Host: site)."""

    def do_PURGE(self):
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    """A proxy in front, purged over HTTP on 127.0.0.1 next to our own page cache."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        **settings.WAGTAILFRONTENDCACHE,
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        },
    }
    yield server.purged
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("with_cdn", [False, True])
def test_an_rsvp_purges_the_places_fragment_from_the_cdn_too(
    home_page, page_cache, request, with_cdn, django_capture_on_commit_callbacks
):
    """Without a proxy an RSVP purges our cache by path alone (one Redis call); with
    one, the proxy hears of every language's fragment as well."""
    purged = request.getfixturevalue("cdn") if with_cdn else []
    event = build_event(title="Rally", rsvp_mode="internal", capacity=5)
    places_url = f"/_events/{event.pk}/places/"
    reader = Client()
    assert "5 places left" in reader.get(places_url).content.decode()
    assert reader.get(places_url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/_events/{event.pk}/rsvp/",
            {"name": "Ana", "email": "ana@example.org", "website": ""},
        )

    assert "4 places left" in reader.get(places_url).content.decode()
    if with_cdn:
        paths = {path for _host, path in purged}
        assert {places_url, "/es" + places_url, "/ar" + places_url} <= paths
        assert {host for host, _path in purged} == {"localhost"}


def test_publishing_an_event_refreshes_its_places_fragment(home_page, page_cache):
    event = build_event(title="Rally", rsvp_mode="internal", capacity=5)
    places_url = f"/_events/{event.pk}/places/"
    client = Client()
    assert "5 places left" in client.get(places_url).content.decode()
    assert client.get(places_url)["X-Page-Cache"] == "hit"

    event.cancelled = True
    event.save_revision().publish()

    answer = client.get(places_url)
    assert "RSVPs are closed." in answer.content.decode()
    assert answer["X-Page-Cache"] == "miss"


def test_crawler_query_strings_store_nothing(client, home_page, page_cache):
    bulletin = build_bulletin()
    client.get(bulletin.url)
    before = stored_keys(page_cache)

    for number in range(20):
        response = client.get(f"{bulletin.url}?x{number}={number}")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "pass"
    client.get("/bulletins/?page=1&page=2")
    client.get("/bulletins/?page=" + "9" * 40)

    assert stored_keys(page_cache) == before


def listing_with_two_pages():
    for number in range(11):  # ten a page
        build_bulletin(title=f"Bulletin {number:02d}", date=date(2025, 1, 1 + number))
    build_event_index()


def random_values(count: int) -> list[str]:
    """Query strings a crawler (or an attacker) makes up: values no link gives."""
    this_year = timezone.localdate().year
    made_up = [
        lambda: f"page={secrets.token_hex(16)}",
        lambda: f"page={secrets.randbelow(10**6) + 3}",  # past the last page
        lambda: f"page=0{secrets.randbelow(2) + 1}",
        lambda: f"page=-{secrets.randbelow(9) + 1}",
        lambda: f"month=9999-{secrets.randbelow(90) + 10}",
        lambda: f"month={this_year + 6 + secrets.randbelow(3000)}-01",
        lambda: f"month={this_year}-{secrets.randbelow(9) + 1}",  # "2025-3"
        lambda: f"kind=<script>{secrets.token_hex(4)}",
        lambda: f"when={secrets.token_hex(4)}",
        lambda: f"kind=rally&when=past&page={secrets.randbelow(10**6) + 2}",
    ]
    return [made_up[number % len(made_up)]() for number in range(count)]


def test_made_up_parameter_values_store_nothing(client, home_page, page_cache):
    listing_with_two_pages()
    client.get("/bulletins/")
    client.get("/events/")
    before = stored_keys(page_cache)

    for query in random_values(50):
        path = "/bulletins/" if query.startswith("page=") else "/events/"
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, query
        assert response["X-Page-Cache"] == "pass", query

    assert stored_keys(page_cache) == before


def test_values_a_link_or_the_filter_form_gives_are_cached(
    client, home_page, page_cache
):
    listing_with_two_pages()
    month = timezone.localdate().strftime("%Y-%m")
    for url in [
        "/bulletins/?page=1",
        "/bulletins/?page=2",
        "/events/?kind=&month=",  # the filter form left empty
        f"/events/?kind=rally&month={month}",
        "/events/?when=past&kind=webinar&page=1",
        "/events/?when=upcoming",
    ]:
        assert client.get(url)["X-Page-Cache"] == "miss", url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_month_the_listing_cannot_read_is_said_so_and_never_stored(
    client, home_page, page_cache
):
    """The notice "We could not read that month" belongs to the month typed: that
    answer is not stored, and the stored listing never carries the notice."""
    build_event_index()
    notice = "We could not read that month"
    for _twice in range(2):
        unread = client.get("/events/?kind=&month=March+2027")
        assert unread["X-Page-Cache"] == "pass"
        assert notice in unread.content.decode()
    for expected in ["miss", "hit"]:
        empty = client.get("/events/?kind=&month=")
        assert empty["X-Page-Cache"] == expected
        assert notice not in empty.content.decode()
    assert notice in client.get("/events/?kind=&month=March+2027").content.decode()


def test_made_up_values_are_answered_as_before(client, home_page, page_cache):
    listing_with_two_pages()
    build_event(title="Rally at the capitol", kind="rally")
    build_event(title="Know your rights", kind="know_your_rights")

    past_the_last = client.get("/bulletins/?page=7")
    assert past_the_last.status_code == 200
    assert "Bulletin 00" in past_the_last.content.decode(), "the last page"
    assert "Bulletin 10" not in past_the_last.content.decode()
    not_a_number = client.get("/bulletins/?page=abc")
    assert "Bulletin 10" in not_a_number.content.decode(), "the first page"
    for query in ["kind=<script>", "month=9999-99", "when=x", "month=2999-01"]:
        answer = client.get(f"/events/?{query}")
        assert answer.status_code == 200, query
        text = answer.content.decode()
        if query == "month=2999-01":
            assert "No events match." in text, "a month, just never stored"
        else:
            assert "Rally at the capitol" in text, query
            assert "Know your rights" in text, query
    with_the_cache_off = Client()
    page_cache.clear()
    for url in ["/bulletins/?page=7", "/events/?kind=<script>&when=x"]:
        cached = client.get(url)
        assert cached["X-Page-Cache"] == "pass"
        with override_settings(PAGE_CACHE_SECONDS=0):
            assert with_the_cache_off.get(url).content == cached.content


def test_listing_parameters_are_keyed_and_tracking_ones_ignored(
    client, home_page, page_cache
):
    build_bulletin()
    build_event_index()
    assert client.get("/bulletins/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/bulletins/?page=1&utm_source=alert")["X-Page-Cache"] == "hit"
    assert client.get("/events/?kind=rally")["X-Page-Cache"] == "miss"
    assert client.get("/events/?kind=rally")["X-Page-Cache"] == "hit"
    assert client.get("/?page=1")["X-Page-Cache"] == "pass", "home reads no page"


def test_staff_and_forms_bypass_the_cache(client, home_page, page_cache):
    event = build_event(title="Lobby day", rsvp_mode="internal")
    client.get(event.url)
    form = client.get(event.url + "rsvp/")
    assert "X-Page-Cache" not in form, "a page with a CSRF token is never cached"

    client.force_login(SuperuserFactory())
    assert "X-Page-Cache" not in client.get(event.url)


def test_a_made_up_session_cookie_is_served_the_shared_copy(
    client, home_page, page_cache
):
    """Any ``sessionid`` skipped the cache, so a flood carrying a made-up one made
    every request a full render (the attacker's round); a real session still does."""
    bulletin = build_bulletin(title="February bulletin")
    first = client.get(bulletin.url)
    assert first["X-Page-Cache"] == "miss"
    client.cookies[settings.SESSION_COOKIE_NAME] = "madeup" + "x" * 26
    forged = client.get(bulletin.url)
    assert forged["X-Page-Cache"] == "hit"
    assert forged.content == first.content

    client.force_login(SuperuserFactory())
    assert "X-Page-Cache" not in client.get(bulletin.url)


def test_cache_is_off_with_zero_seconds(client, home_page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    bulletin = build_bulletin()
    client.get(bulletin.url)
    assert "X-Page-Cache" not in client.get(bulletin.url)


@pytest.mark.redis
def test_every_entry_has_a_time_to_live(client, home_page, settings):
    page_cache = use_page_cache(settings, "redis")
    build_bulletin()
    client.get("/bulletins/")
    redis = page_cache._cache.get_client(None)
    keys = list(redis.scan_iter(match=f"{page_cache.key_prefix}:*"))
    assert keys
    assert all(0 < redis.ttl(key) for key in keys)
    page_cache.clear()


def test_event_places_fragment_is_cached_at_its_plain_url_only(home_page):
    from cms.page_urls import places_urls

    event = EventPage.objects.get(pk=build_event(rsvp_mode="internal").pk)
    assert "places/" not in event.get_cached_paths()
    urls = places_urls(event)
    assert len(urls) == len(LANGUAGES)
    assert any(url.endswith(f"/_events/{event.pk}/places/") for url in urls)
    assert any(url.endswith(f"/zh-hans/_events/{event.pk}/places/") for url in urls)


def fetch_at_once(url: str, count: int) -> list[tuple[int, str, str]]:
    """``count`` real HTTP requests released together: (status, X-Page-Cache, body)."""
    barrier = threading.Barrier(count)
    answers = []

    def fetch():
        barrier.wait()
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 loopback
            answers.append(
                (
                    response.status,
                    response.headers.get("X-Page-Cache", ""),
                    response.read().decode(),
                )
            )

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_one_render_per_page_however_many_ask_at_once(
    live_server, home_page, page_cache
):
    bulletin = build_bulletin(title="Rally at noon")
    url = live_server.url + bulletin.url
    renders = []
    lock = threading.Lock()

    def count_render(sender, template, **kwargs):
        if template.name == "cms/bulletin_page.html":
            with lock:
                renders.append(template.name)
            # Hold the render so that every request arrives while it runs.
            time.sleep(0.3)

    template_rendered.connect(count_render)
    try:
        cold = fetch_at_once(url, 8)
        cold_renders = len(renders)
        bulletin.title = "Rally moved to Daley Plaza"
        bulletin.save_revision().publish()
        after_publish = fetch_at_once(url, 8)
        then = fetch_at_once(url, 1)
    finally:
        template_rendered.disconnect(count_render)

    assert {status for status, _, _ in cold + after_publish} == {200}
    assert cold_renders == 1, "eight readers of a cold page: one render"
    assert len(renders) == 2, "eight readers after a publish: one render"
    assert sorted(label for _, label, _ in cold) == ["hit"] * 7 + ["miss"]
    labels = sorted(label for _, label, _ in after_publish)
    assert labels.count("miss") == 1
    assert set(labels) <= {"miss", "stale", "hit"}
    assert "Daley Plaza" in then[0][2]
    assert then[0][1] == "hit"


def test_the_sitemap_is_cached_and_a_publish_shows_in_it(
    client, home_page, page_cache, django_capture_on_commit_callbacks
):
    """The sitemap reads every page and its translations: a crawler's every visit
    walked the tree. It is cached like a page, and a publish purges it."""
    bulletin = build_bulletin(title="Rally today", slug="rally-today")
    first = client.get("/sitemap.xml")
    assert first["X-Page-Cache"] == "miss"
    assert "/rally-today/" in first.content.decode()
    assert client.get("/sitemap.xml")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        later = build_bulletin(title="Lobby day", slug="lobby-day")
    after_publish = client.get("/sitemap.xml")
    assert after_publish["X-Page-Cache"] == "miss"
    assert "/lobby-day/" in after_publish.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        later.unpublish()
    assert "/lobby-day/" not in client.get("/sitemap.xml").content.decode()
    assert bulletin.live


def test_a_password_form_is_never_stored_for_the_page(home_page, page_cache):
    """Wagtail asks for a page's password from the page's own URL, through the page's
    context (which marks it cacheable): a copy of one visitor's form, CSRF token and
    all, must not be what the next visitor is given (their password would then be
    refused as a forged request)."""
    import re

    from wagtail.models import PageViewRestriction

    bulletin = build_bulletin(title="Task force minutes")
    PageViewRestriction.objects.create(
        page=bulletin, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    first = Client(enforce_csrf_checks=True)
    first.cookies["csrftoken"] = secrets.token_urlsafe(24)[:32]
    for _ in range(2):
        answer = first.get(bulletin.url)
        assert answer.status_code == 200
        assert answer.get("X-Page-Cache") != "hit"
    assert "Task force minutes" not in answer.content.decode()

    other = Client(enforce_csrf_checks=True)
    form = other.get(bulletin.url)
    assert form.get("X-Page-Cache") != "hit"
    html = form.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    passed = other.post(
        action,
        {"csrfmiddlewaretoken": token, "password": "rally", "return_url": bulletin.url},
    )
    assert passed.status_code == 302


def test_a_tracking_parameter_never_reaches_the_copy_other_readers_get(
    client, home_page, page_cache
):
    """The cache keys a listing without utm_source, fbclid...: their values must not be
    in what it stores, or one visitor's ``?utm_source=<text>`` was the "Older" link of
    every later reader's copy (any text, any length)."""
    listing_with_two_pages()
    poison = "Call-555-0100-" + "x" * 500
    first = client.get(f"/bulletins/?utm_source={poison}&fbclid=evil")
    assert first["X-Page-Cache"] == "miss"
    assert 'rel="next"' in first.content.decode()
    later = client.get("/bulletins/")
    assert later["X-Page-Cache"] == "hit"
    assert poison not in later.content.decode()
    assert "evil" not in later.content.decode()
    assert 'href="?page=2" rel="next"' in later.content.decode()
