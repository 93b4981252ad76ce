"""What a screen reader says, read from Chromium's own accessibility tree: the title of
the page after an RSVP went through, and the names in the events page's list of links."""

import re
from collections import defaultdict

import pytest
from django.core.cache import cache

from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db(transaction=True)


def link_names(page) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    name = None
    for line in page.locator("main").aria_snapshot().splitlines():
        if match := re.match(r"\s*- '?link \"(.*)\"", line):
            name = match[1]
        elif (match := re.match(r"\s*- /url: (.*)", line)) and name is not None:
            names[name].add(match[1])
            name = None
    return names


def test_an_rsvp_that_went_through_says_so_first_and_links_are_told_apart(
    page, live_server, home_page
):
    cache.clear()  # rate limits
    index = build_event_index(home_page)
    event = build_event(index, title="Know Your Rights session", rsvp_mode="internal")

    page.goto(f"{live_server.url}/ar/_events/{event.pk}/rsvp/")
    before = page.title()
    page.fill("#id_name", "Omar Haddad")
    page.fill("#id_email", "omar@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"sent=1"))

    assert page.title() == f"تحقق من بريدك الإلكتروني: {before}"

    page.goto(f"{live_server.url}/ar{index.url}")
    names = link_names(page)
    assert len(names) > 30
    assert {name: urls for name, urls in names.items() if len(urls) > 1} == {}
