"""An event titled with its kind's name ("Know Your Rights session", the demo's, and
the obvious title for one) showed the name twice: once in the small label over the
title and once as the title, on its page, its card in the listings, in a bulletin's
e-mail and in an alert's, and in each language it was translated into ("جلسة «اعرف
حقوقك»" over "جلسة «اعرف حقوقك»"). The label now steps aside when the title says
the same words; any other title keeps it."""

import re

import pytest
from django.test import Client
from django.utils import translation

from cms.email.rendering import render_email
from cms.models import AlertPage
from events.models import EventPage
from tests.factories import (
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
    translate_page,
)

pytestmark = pytest.mark.django_db


def labels(html: str) -> list[str]:
    """The text of each small label over a title (cards, the page, e-mail cards)."""
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r'<p class="label"[^>]*>(.*?)</p>', html, re.S)
    ]


@pytest.fixture
def events(home_page):
    index = build_event_index(home_page)
    same = build_event(index, title="Know Your Rights session", kind="know_your_rights")
    other = build_event(index, title="Pilsen legal clinic", kind="know_your_rights")
    with translation.override("ar"):
        arabic = str(EventPage(kind="know_your_rights").kind_label)
    translate_page(same, "ar", title=arabic)
    return same, other


def test_the_page_shows_the_kind_only_when_the_title_does_not_say_it(events):
    same, other = events
    client = Client()
    assert labels(client.get(same.url).content.decode()) == []
    assert labels(client.get(other.url).content.decode()) == [
        "Know Your Rights session"
    ]
    arabic = client.get("/ar" + same.url).content.decode()
    assert 'lang="ar"' in arabic
    assert labels(arabic) == [], "the same words in Arabic, quotes and all"


def test_listing_cards_and_bulletin_cards_show_it_once(events):
    same, other = events
    listing = Client().get(same.get_parent().url).content.decode()
    assert labels(listing) == ["Know Your Rights session"], "the other event's only"

    bulletin = build_bulletin(
        title="News",
        body=[
            (
                "event_listing",
                {"title": "", "events": [same.pk, other.pk], "kinds": [], "limit": 5},
            )
        ],
    )
    html = render_email(bulletin, language="en").html
    assert labels(html) == ["Know Your Rights session"], "the other event's only"


def test_a_cancelled_event_titled_with_its_kind_still_says_cancelled(home_page):
    event = build_event(
        build_event_index(home_page), title="Rally", kind="rally", cancelled=True
    )
    listing = Client().get(event.get_parent().url + "?when=past").content.decode()
    listing += Client().get(event.get_parent().url).content.decode()
    assert "Cancelled" in labels(listing), labels(listing)
    bulletin = build_bulletin(
        title="News",
        body=[
            (
                "event_listing",
                {"title": "", "events": [event.pk], "kinds": [], "limit": 5},
            )
        ],
    )
    assert labels(render_email(bulletin, language="en").html) == ["Cancelled"]


def test_an_alerts_event_card_shows_it_once(events):
    same, _other = events
    alert = AlertPage(title="Tonight", message="<p>Come.</p>", event=same)
    build_bulletin_index().add_child(instance=alert)
    alert.save_revision().publish()
    assert labels(render_email(alert, language="en").html) == []


def search_labels(prefix: str, words: str) -> list[list[str]]:
    html = Client().get(f"{prefix}/search/", {"q": words}).content.decode()
    results = html.split('<ul class="results">', 1)[1].split("</ul>", 1)[0]
    return [
        labels(card) for card in re.findall(r'<li class="card".*?</li>', results, re.S)
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_search_results_show_it_once(events, language):
    """The search page's cards still read "جلسة «اعرف حقوقك»" twice, label and
    title, for the same event the listings show it once for."""
    with translation.override(language):
        kind = str(EventPage(kind="know_your_rights").kind_label)
    if language == "en":
        assert search_labels("", "session") == [[]]
        assert search_labels("", "Pilsen") == [[kind]], "another title keeps it"
    else:
        assert search_labels(f"/{language}", "حقوقك") == [[]]
