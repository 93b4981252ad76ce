"""The e-mail preview on a phone (390 px): every language can be picked.

Found by the editor tester: the six language links sat on one line that did not wrap,
and "Polski (Polish)" ran past the screen's right edge, out of reach."""

import pytest
from django.core.cache import cache

from tests.e2e.test_hardening_journeys import log_in
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_language_of_the_preview_is_on_the_screen_of_a_phone(
    open_page, live_server, home_page
):
    cache.clear()
    bulletin = build_bulletin(title="March bulletin")
    SuperuserFactory(username="editor")
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/email-preview/{bulletin.pk}/?language=ar")

    links = page.get_by_role("navigation", name="Language").get_by_role("link")
    assert links.count() == 6
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        name = links.nth(index).inner_text()
        assert box["x"] >= 0, (name, box)
        assert box["x"] + box["width"] <= 390, (name, box)
    links.filter(has_text="Polski").click()
    page.wait_for_url("**?language=pl")
