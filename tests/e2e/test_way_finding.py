"""A newcomer on the home page, in each of the six languages, reaches Join, Events,
Bulletins and the petition in one click; the bulletin feed linked in the page's head
parses; the header's search finds a bulletin by a word of its Spanish body.

One site build and one browser page: links are clicked in English and Arabic (left to
right, right to left) and followed over HTTP in the other languages."""

import feedparser
import pytest
from django.db import transaction

from tests.cms.site_builders import (
    LANGUAGES,
    PETITION_TITLES,
    SPANISH_WORD,
    TITLES,
    multilingual_site,
)

pytestmark = pytest.mark.django_db(transaction=True)


def destinations(language: str) -> dict[str, str]:
    """Menu label -> the heading of the page it leads to, in ``language``."""
    join_title = "Join our lists" if language == "en" else TITLES["join"][language]
    return {
        TITLES["bulletins"][language]: TITLES["bulletins"][language],
        TITLES["events"][language]: TITLES["events"][language],
        TITLES["take-action"][language]: PETITION_TITLES[language],
        join_title: join_title,
    }


def test_a_newcomer_finds_their_way_in_every_language(page, live_server, home_page):
    with transaction.atomic():  # one commit: much faster than one per save
        multilingual_site(home_page)

    for language in LANGUAGES:
        home = live_server.url + ("/" if language == "en" else f"/{language}/")
        assert page.goto(home).status == 200
        assert page.locator("html").get_attribute("lang") == language
        assert _switcher_weights(page) == {
            code: "700" if code == language else "400" for code in LANGUAGES
        }, "the reader's own language stands out in the switcher"
        menu = page.get_by_role("navigation", name=_main_menu_name(page))
        for label, heading in destinations(language).items():
            link = menu.get_by_role("link", name=label, exact=True)
            if language in ("en", "ar"):
                link.click()
                page.get_by_role("heading", level=1, name=heading).wait_for()
                assert page.locator("html").get_attribute("lang") == language
                page.goto(home)
            else:
                response = page.request.get(
                    live_server.url + link.get_attribute("href")
                )
                assert response.status == 200, (language, label)
                body = response.text()
                assert f'<html lang="{language}"' in body
                assert f">{heading}</h1>" in body, (language, label)

        feed_href = page.locator(
            'head link[rel="alternate"][type="application/rss+xml"]'
        ).get_attribute("href")
        feed = feedparser.parse(page.request.get(live_server.url + feed_href).body())
        assert not feed.bozo, (language, feed.get("bozo_exception"))
        assert feed.entries, language
        assert feed.feed.language == language

    page.goto(live_server.url + "/es/")
    search = page.get_by_role("search")
    search.get_by_role("searchbox").fill(SPANISH_WORD)
    search.get_by_role("button").click()
    result = page.get_by_role("link", name="Actualización: conozca sus derechos")
    result.click()
    page.get_by_text(SPANISH_WORD).first.wait_for()
    assert page.url.startswith(live_server.url + "/es/")


def _main_menu_name(page) -> str:
    return page.locator("nav.main-nav").get_attribute("aria-label")


def _switcher_weights(page) -> dict[str, str]:
    """Each header switcher link's language -> its computed font weight."""
    return page.evaluate(
        """() => Object.fromEntries(
            [...document.querySelectorAll("header .language-switcher a")].map(
                (a) => [a.lang, getComputedStyle(a).fontWeight]))"""
    )
