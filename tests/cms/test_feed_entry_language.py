"""A language's Atom feed lists the English bulletins not translated yet beside its own
(cms/feeds.py). Each such entry says it is English, as the archive's card does
(lang="en"), so a feed reader's screen reader or hyphenation does not read it as the
feed's language."""

import feedparser
import pytest
from django.test import Client
from wagtail.models import Locale

from tests.factories import build_bulletin, build_bulletin_index, translate_page

pytestmark = pytest.mark.django_db


def test_untranslated_entries_in_an_atom_feed_are_marked_english(home_page):
    for code in ("ar", "hi"):
        Locale.objects.get_or_create(language_code=code)
    index = build_bulletin_index(home_page)
    english = build_bulletin(index, title="Know your rights update", summary="Doors.")
    translated = build_bulletin(index, title="Resources", summary="Help.")
    for code, title in (("ar", "موارد"), ("hi", "संसाधन")):
        translate_page(index, code)
        translate_page(translated, code, title=title)

    for code in ("ar", "hi"):
        response = Client().get(f"/{code}/bulletins/feed/atom/")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        languages = {e.title: e.title_detail.language for e in feed.entries}
        assert feed.feed.language == code
        assert languages[english.title] == "en", (code, languages)
        # The translated entry inherits the feed's language (no xml:lang of its own).
        own = next(e for e in feed.entries if e.title != english.title)
        assert own.title_detail.language == code, (code, languages)
        assert b'<entry xml:lang="en">' in response.content

    # The English feed says nothing more on its entries: they are all in its language.
    english_feed = Client().get("/bulletins/feed/atom/").content
    assert b"<entry>" in english_feed
    assert b"<entry xml:lang" not in english_feed
