"""Pages behind someone's own link are kept out of search engines (cms/private_links.py)."""

import pytest

from subscribers.tokens import confirm_url, preferences_url, unsubscribe_url
from tests.campaigns.mailing_fixtures import lists, subscribe

pytestmark = pytest.mark.django_db


def test_link_pages_ask_search_engines_not_to_index_them(client, home_page):
    """Found in the privacy audit: the preferences page shows the address and its
    lists, and a bulletin forwarded to a public archive hands its link to crawlers."""
    (legal,) = lists(1)
    subscriber = subscribe("ana@example.org", [legal], language="es")
    pages = [
        preferences_url(subscriber.pk),
        unsubscribe_url(subscriber.pk),
        confirm_url(
            subscriber_id=subscriber.pk, list_ids=[legal.pk], page_id=None,
            language="es",
        ),
        "/subscribers/preferences/not-a-token/",
        "/petitions/verify/not-a-token/",
    ]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code < 500, url
        assert response["X-Robots-Tag"] == "noindex, nofollow", url


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()
