"""A reader who sets a larger text size in their browser, on a phone: the site's text
follows it (it was fixed at 17 px whatever the setting), and the pages with the
widest words, the signup's lists and the event filters, still fit the screen."""

import pytest
from django.db import transaction

from tests.cms.site_builders import multilingual_site
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db(transaction=True)

# What the browser's "very large" text setting does: the default (root) size is 32 px
# instead of 16. Set through the CSSOM, which the Content-Security-Policy allows.
LARGE_TEXT = """() => {
    document.documentElement.style.fontSize = '32px';
    const root = document.documentElement;
    return {
        body: parseFloat(getComputedStyle(document.body).fontSize),
        scrollWidth: root.scrollWidth,
        width: root.clientWidth,
    };
}"""


def test_text_follows_the_browsers_size_and_still_fits_a_phone(
    open_page, live_server, home_page
):
    with transaction.atomic():
        multilingual_site(home_page)
        MailingListFactory(name="Community Outreach/Education", slug="outreach")
    page = open_page(width=390, height=900)
    for path in ("/join/", "/events/", "/pl/events/"):
        assert page.goto(live_server.url + path).status == 200
        normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert normal == 17, path  # unchanged at the usual default
        found = page.evaluate(LARGE_TEXT)
        assert found["body"] == 34, (path, found)
        assert found["scrollWidth"] <= found["width"], (path, found)
        if path == "/join/":
            assert page.get_by_label("Community Outreach/Education").is_visible()
