"""What a shared link shows and what a crawler finds: Open Graph and Twitter card tags
in the page's language, canonical URLs, hreflang alternates that answer and point
back, sitemap.xml (strict XML) and robots.txt."""

from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree as ET
from django.contrib.staticfiles import finders
from PIL import Image
from wagtail.models import Site

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, attrs.get("content"))
        if tag == "link":
            self.links.append(attrs)


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Head()
    parser.feed(response.content.decode())
    return parser


def path_of(url):
    return urlsplit(url).path


@pytest.fixture
def site(demo_content):
    """The demo site, answering at https://ona.example.org (BASE_URL's Site)."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "ona.example.org", 443
    site.save()
    return site


def test_an_arabic_event_link_previews_in_arabic_with_absolute_https_urls(client, site):
    tags = head(client, "/ar/events/know-your-rights-session/")

    assert tags.meta["og:title"] == "جلسة «اعرف حقوقك»"
    assert tags.meta["og:description"].startswith("لكل شخص حقوق قانونية")
    assert tags.meta["og:locale"] == "ar_AR"
    assert tags.meta["og:site_name"] == "مكتب الأمريكيين الجدد"
    assert tags.meta["twitter:card"] == "summary_large_image"
    url = "https://ona.example.org/ar/events/know-your-rights-session/"
    assert tags.meta["og:url"] == url
    assert {"rel": "canonical", "href": url} in tags.links
    image = tags.meta["og:image"]
    assert image.startswith("https://ona.example.org/")
    assert tags.meta["twitter:image"] == image
    # The card is a real file of the size the tags announce (chat apps skip SVG).
    found = finders.find(path_of(image).removeprefix("/static/"))
    assert found is not None
    with Image.open(found) as card:
        assert card.format == "PNG"
        assert card.size == (
            int(tags.meta["og:image:width"]),
            int(tags.meta["og:image:height"]),
        )


def test_a_chinese_bulletin_link_previews_in_chinese(client, site):
    tags = head(client, "/zh-hans/bulletins/resources-for-immigrants-and-refugees/")

    assert tags.meta["og:title"] == "芝加哥移民和难民资源"
    assert tags.meta["og:description"].startswith("法律援助")
    assert tags.meta["og:locale"] == "zh_CN"
    assert tags.meta["og:type"] == "article"


def test_an_untranslated_page_keeps_the_readers_prefix_when_shared(client, site):
    # february-2017 is in English and Spanish only: the Polish reader reads English.
    tags = head(client, "/pl/bulletins/february-2017/")

    assert tags.meta["og:url"] == (
        "https://ona.example.org/pl/bulletins/february-2017/"
    )
    canonical = [link["href"] for link in tags.links if link.get("rel") == "canonical"]
    assert canonical == ["https://ona.example.org/bulletins/february-2017/"]
    hreflangs = {
        link["hreflang"]
        for link in tags.links
        if link.get("rel") == "alternate" and "hreflang" in link
    }
    assert hreflangs == {"en", "es", "x-default"}


def test_every_hreflang_alternate_answers_and_points_back(client, site):
    start = "/events/know-your-rights-session/"
    alternates = {
        link["hreflang"]: path_of(link["href"])
        for link in head(client, start).links
        if link.get("rel") == "alternate" and "hreflang" in link
    }

    assert set(alternates) == {"en", "es", "hi", "zh-hans", "ar", "pl", "x-default"}
    for language, path in alternates.items():
        tags = head(client, path)
        back = {
            link["hreflang"]: path_of(link["href"])
            for link in tags.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }
        assert back == alternates, language
        if language != "x-default":
            assert tags.meta["og:locale"].split("_")[0] == language.split("-")[0]


def test_sitemap_lists_every_language_with_alternates(client, site):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urlset = ET.fromstring(response.content)  # strict: fails on any malformed XML
    entries = {
        path_of(url.find(f"{SITEMAP}loc").text): {
            link.get("hreflang"): path_of(link.get("href"))
            for link in url.findall(f"{XHTML}link")
        }
        for url in urlset.findall(f"{SITEMAP}url")
    }
    for url in urlset.findall(f"{SITEMAP}url"):
        assert url.find(f"{SITEMAP}loc").text.startswith("https://ona.example.org/")
    for prefix in ("/", "/es/", "/hi/", "/zh-hans/", "/ar/", "/pl/"):
        assert f"{prefix}events/know-your-rights-session/" in entries
    assert "/pl/bulletins/february-2017/" not in entries  # no Polish version
    kyr = entries["/ar/events/know-your-rights-session/"]
    assert kyr["ar"] == "/ar/events/know-your-rights-session/"
    assert kyr["x-default"] == "/events/know-your-rights-session/"
    for path, links in entries.items():
        assert client.get(path).status_code == 200, path
        for alternate in links.values():
            assert entries[alternate] == links, (path, alternate)


def test_robots_txt_names_the_sitemap(client, site):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert "Sitemap: https://ona.example.org/sitemap.xml" in response.content.decode()


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("prefix", ["", "/ar", "/zh-hans"])
def test_atom_feed_has_every_element_rfc_4287_requires(client, demo_content, prefix):
    response = client.get(f"{prefix}/bulletins/feed/atom/")

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    language = prefix.strip("/") or "en"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    for element in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{element}").text
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    # An author on the feed, or on every entry.
    if feed.find(f"{ATOM}author/{ATOM}name") is None:
        for entry in entries:
            assert entry.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in entries:
        for element in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{element}").text
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert (
            entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        )


@pytest.mark.parametrize("prefix", ["", "/ar", "/pl"])
def test_rss_feed_has_every_element_rss_2_requires(client, demo_content, prefix):
    response = client.get(f"{prefix}/bulletins/feed/")

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    for element in ("title", "link", "description", "language"):
        assert channel.find(element).text
    assert channel.find("language").text == (prefix.strip("/") or "en")
    for item in channel.findall("item"):
        assert item.find("title").text
        assert item.find("link").text.startswith("http")
        parsedate_to_datetime(item.find("pubDate").text)


def test_past_events_and_later_pages_are_their_own_canonical(client, site):
    def canonical(url):
        return [
            link["href"]
            for link in head(client, url).links
            if link["rel"] == "canonical"
        ]

    assert canonical("/events/?when=past&utm_source=whatsapp") == [
        "https://ona.example.org/events/?when=past"
    ]
    assert canonical("/es/bulletins/?page=1") == [
        "https://ona.example.org/es/bulletins/"
    ]
    assert canonical("/events/?kind=rally&month=2027-01") == [
        "https://ona.example.org/events/?kind=rally&month=2027-01"
    ]
