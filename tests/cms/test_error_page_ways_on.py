"""An error page is a way on, not a dead end: a reader who followed a dead link (an old
bulletin address, a mistyped event, a link cut off in an e-mail) was shown a heading and
a sentence. Its main content now links to the front page and to the search, in the
language of the page: the reader's prefix, their language and direction."""

import re

import pytest
from django.test import Client

from cms import bidi
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


def ways_on(html: str) -> dict[str, str]:
    """The links of the page's main content, text to address."""
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return {
        re.sub(r"\s+", " ", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', main, re.S)
    }


def test_a_missing_page_leads_to_the_front_page_and_search_in_every_language(
    home_page,
):
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        tag = f'<html lang="{language}" dir="{bidi.direction(language)}">'
        # Under the reader's prefix, and without one (a dead document link), where the
        # browser's language decides.
        for response in (
            Client().get(f"{prefix}/no-such-page/"),
            Client().get("/documents/987654/flyer.pdf", HTTP_ACCEPT_LANGUAGE=language),
        ):
            assert response.status_code == 404
            html = response.content.decode()
            assert tag in html, language
            links = ways_on(html)
            assert links == {
                said(language, "Go to the front page"): f"{prefix}/",
                said(language, "Search bulletins and events"): f"{prefix}/search/",
            }, language
            assert Client().get(f"{prefix}/").status_code == 200
            assert Client().get(f"{prefix}/search/").status_code == 200


def test_the_other_error_pages_lead_on_too(home_page, rf):
    from django.utils import translation

    from cms.errors import server_error

    with translation.override("pl"):
        html = server_error(rf.get("/pl/")).content.decode()
    assert ways_on(html) == {
        said("pl", "Go to the front page"): "/pl/",
        said("pl", "Search bulletins and events"): "/pl/search/",
    }

    expired = Client(enforce_csrf_checks=True).post(
        "/ar/subscribers/new-link/", {"email": "a@example.org"}
    )
    assert expired.status_code == 403
    assert ways_on(expired.content.decode()) == {
        said("ar", "Go to the front page"): "/ar/",
        said("ar", "Search bulletins and events"): "/ar/search/",
    }
