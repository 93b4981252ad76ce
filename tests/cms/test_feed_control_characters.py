"""A control character in a bulletin's title or summary (Word's line break pastes as a
vertical tab, \\x0b) took the language's RSS and Atom feeds down: Django's feed writer
refuses every character XML 1.0 forbids, so each reader of the feed got a 500 until
staff found and edited the bulletin. The feeds now leave such characters out (a line
or page break becomes a space); the bulletin's own page is unchanged."""

import feedparser
import pytest
from django.test import Client

from tests.factories import build_bulletin, build_bulletin_index

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/bulletins/feed/", "/bulletins/feed/atom/"])
def test_a_control_character_in_a_bulletin_does_not_break_the_feed(home_page, path):
    index = build_bulletin_index(home_page)
    index.intro = "<p>News\x07 for\x0cyou</p>"
    index.save_revision().publish()
    build_bulletin(index, title="Know your rights\x0bupdate", summary="Doors\x01 open.")
    build_bulletin(index, title="Clinic hours", summary="Tuesdays.")

    response = Client().get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML 1.0
    titles = {entry.title for entry in feed.entries}
    assert titles == {"Know your rights update", "Clinic hours"}
    summaries = {entry.summary for entry in feed.entries}
    assert "Doors open." in summaries
    assert "News for you" in (feed.feed.get("subtitle") or feed.feed.description)
