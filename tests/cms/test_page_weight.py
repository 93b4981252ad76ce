"""What a reader on a cheap phone over slow, metered mobile data downloads: pages
gzip-compressed for a browser that accepts it (and plain for one that does not, from
the page cache too), media not compressed twice, and a bulletin's images offered in
phone-sized copies, loaded lazily, with their size known before they arrive."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.test import Client

from tests.cms.test_media import bulletin_with, local_media, upload_image  # noqa: F401
from tests.cms.test_page_cache import page_cache  # noqa: F401

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
DEMO_PAGES = [
    "/",
    "/events/",
    "/events/know-your-rights-session/",
    "/bulletins/february-2017/",
    "/join/",
    "/hate-has-no-place-in-chicago/",
]
# The budget of a page's first visit, HTML and stylesheet as sent: 14 KB is what a new
# TCP connection carries in its first round trip (an initial window of 10 segments),
# so the page can paint after one round trip for each of the two requests. At 400 kbps
# that is 0.3 s of transfer; the uncompressed pages were 10-19 KB of HTML alone.
FIRST_VISIT_BUDGET = 14 * 1024


def stylesheet_gzipped() -> int:
    with open(finders.find("css/site.css"), "rb") as css:
        return len(gzip.compress(css.read()))


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans", "hi"])
def test_demo_pages_are_sent_compressed_within_a_phone_budget(
    client, demo_content, language
):
    prefix = "" if language == "en" else f"/{language}"
    for path in DEMO_PAGES:
        response = client.get(prefix + path, **GZIP)
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert f'lang="{language}"' in html
        weight = len(response.content) + stylesheet_gzipped()
        assert weight <= FIRST_VISIT_BUDGET, (path, weight)


def test_a_cached_page_is_compressed_or_not_by_each_readers_browser(
    home_page,
    page_cache,  # noqa: F811
):
    phone, old_reader = Client(), Client()
    first = phone.get("/", **GZIP)
    plain = old_reader.get("/")
    again = phone.get("/", **GZIP)
    assert first["X-Page-Cache"] == "miss"
    assert plain["X-Page-Cache"] == again["X-Page-Cache"] == "hit"
    assert not plain.has_header("Content-Encoding")
    assert plain.content.startswith(b"<!DOCTYPE html>")
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain.content


@pytest.mark.parametrize(
    "refusal", ["gzip;q=0, identity", "identity, gzip; q=0.000", "*;q=0, identity"]
)
def test_a_browser_that_refuses_gzip_gets_the_page_plain(
    home_page,
    page_cache,  # noqa: F811
    refusal,
):
    """gzip named with q=0 is a refusal (RFC 9110): any "gzip" in the header was read
    as an acceptance, so such a client got a body it had said it cannot read, from a
    render and from the page cache alike."""
    reader = Client()
    first = reader.get("/", HTTP_ACCEPT_ENCODING=refusal)
    again = reader.get("/", HTTP_ACCEPT_ENCODING=refusal)
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, again):
        assert not response.has_header("Content-Encoding")
        assert response.content.startswith(b"<!DOCTYPE html>")
        assert "Accept-Encoding" in response["Vary"]
    assert Client().get("/", HTTP_ACCEPT_ENCODING="gzip;q=0.5")["Content-Encoding"] == (
        "gzip"
    )


def test_bulletin_images_offer_phone_sized_copies_loaded_lazily(
    client,
    home_page,
    local_media,  # noqa: F811
):
    bulletin = bulletin_with(upload_image())  # 1600 x 400
    html = client.get(bulletin.url).content.decode()
    img = re.search(r"<img [^>]*>", html).group(0)
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', img))
    assert attributes["loading"] == "lazy"
    assert (attributes["width"], attributes["height"]) == ("1200", "300")
    copies = {
        int(width): url
        for url, width in re.findall(r"(\S+) (\d+)w", attributes["srcset"])
    }
    assert sorted(copies) == [400, 800, 1200]
    assert "100vw" in attributes["sizes"]
    small = client.get(copies[400], **GZIP)
    assert small.status_code == 200
    # An image is compressed already: sent as it is, with its length.
    assert not small.has_header("Content-Encoding")
    assert int(small["Content-Length"]) == len(b"".join(small.streaming_content))


def test_a_text_document_is_served_as_uploaded(client, home_page, settings, tmp_path):
    """A document is a file: streamed with its length and its own strong ETag, so a
    download can resume and a re-download can be answered 304, whatever its type."""
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    settings.MEDIA_ROOT = tmp_path / "media"
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = get_document_model()(title="Hotline numbers", collection=root)
    text = "Legal hotline 311\n" * 100
    document.file.save("hotlines.txt", ContentFile(text.encode()), save=False)
    document.save()
    response = client.get(document.url, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content).decode() == text
    assert not response["ETag"].startswith("W/")


def test_a_cached_page_is_compressed_once_not_on_every_hit(
    home_page,
    page_cache,  # noqa: F811
):
    """Compressing a 15 KB page costs about a sixth of a hit's CPU: the copy keeps
    its compressed body. Two compressions of the same page differ (Django pads each
    against BREACH), so two identical hits show the stored body was served."""
    phone = Client()
    first = phone.get("/", **GZIP)
    hits = [phone.get("/", **GZIP) for _ in range(2)]
    assert first["X-Page-Cache"] == "miss"
    assert [hit["X-Page-Cache"] for hit in hits] == ["hit", "hit"]
    assert hits[0].content == hits[1].content
    plain = Client().get("/")
    assert gzip.decompress(hits[0].content) == plain.content
    assert hits[0]["Content-Encoding"] == "gzip"
    assert int(hits[0]["Content-Length"]) == len(hits[0].content)
    assert "Accept-Encoding" in hits[0]["Vary"]
    assert "Accept-Encoding" in plain["Vary"]
