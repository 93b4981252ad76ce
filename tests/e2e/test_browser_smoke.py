"""The browser harness itself works: the Arabic home page renders right to left."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_arabic_home_page_is_right_to_left_in_a_real_browser(
    page, live_server, home_page
):
    from wagtail.models import Locale

    arabic = home_page.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.title = "شيكاغو معك"
    arabic.save_revision().publish()

    page.goto(f"{live_server.url}/ar/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").inner_text() == "شيكاغو معك"
