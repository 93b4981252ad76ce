"""A reader who deleted our e-mails finds the way to their lists from any page on a
phone: the footer's link opens the page that mails a fresh preferences link, in
Arabic right to left, and its form answers in Arabic."""

import pytest
from django.core.cache import cache
from django.utils import translation

pytestmark = pytest.mark.django_db(transaction=True)


def test_arabic_phone_reader_reaches_the_new_link_form_from_the_footer(
    page, live_server, home_page
):
    cache.clear()
    with translation.override("ar"):
        label = translation.gettext("Change your lists or unsubscribe")
        heading = translation.gettext("Get a new link to your preferences")
        sent = translation.gettext("Check your e-mail")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ar/")

    page.locator("footer").get_by_role("link", name=label).click()
    page.get_by_role("heading", name=heading).wait_for()
    assert page.url == f"{live_server.url}/ar/subscribers/new-link/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth"
    ), "the page scrolls sideways at 390 px"

    page.locator("main input[type=email]").fill("reader@example.org")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name=sent).wait_for()
