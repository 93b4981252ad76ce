"""A search link carrying Unicode direction controls: the query comes back in the
page's <title> and search field, where an unclosed right-to-left override (U+202E)
turned the rest of the tab's title around ("Search: evil · snaciremA weN fo eciffO")
for anyone who opened a link crafted that way."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_direction_controls_in_a_query_are_dropped(home_page, language):
    prefix = "" if language == "en" else f"/{language}"
    response = Client().get(f"{prefix}/search/", {"q": "\u202eevil\u2069 \u2067rights"})
    assert response.status_code == 200
    html = response.content.decode()
    title = html.split("<title", 1)[1].split("</title>", 1)[0]
    field = html.split('id="search-page-q"', 1)[1].split(">", 1)[0]
    for where in (title, field):
        assert not any(control in where for control in OVERRIDES), (language, where)
    assert "evil rights" in title
    assert 'value="evil rights"' in field
