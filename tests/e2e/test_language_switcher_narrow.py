"""The header's six language names on a phone: one row at 390 px, where "Polski" used to
stand alone on a second row in every language (a newcomer's screenshots), and two even
rows of three on a narrower phone, never a sideways scroll."""

import pytest
from django.db import transaction

from tests.cms.site_builders import LANGUAGES, multilingual_site

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = """() => [...document.querySelectorAll("header .language-switcher li")]
    .map(item => Math.round(item.getBoundingClientRect().top))"""


def rows(tops: list[int]) -> list[int]:
    """How many names each row holds, top to bottom."""
    return [tops.count(top) for top in sorted(set(tops))]


def test_the_language_names_fit_a_phones_header(open_page, live_server, home_page):
    with transaction.atomic():
        multilingual_site(home_page)
    for width, expected in ((390, [6]), (360, [3, 3])):
        page = open_page(width=width)
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            assert page.goto(f"{live_server.url}{prefix}/").status == 200
            assert rows(page.evaluate(ROWS)) == expected, (language, width)
            assert page.evaluate("document.documentElement.scrollWidth") == width
