"""The page and document password forms after the right password: a return_url
that is not a path on this site (a view name, a word, another site) lands on the
home page, never a 500 or Wagtail's LOGIN_REDIRECT_URL (/accounts/profile/, which
is no page here)."""

import pytest

from tests.factories import build_event
from tests.security.production import https_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def doors(home_page):
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        PageViewRestriction,
    )

    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    page_door = PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    collection = Collection.get_first_root_node().add_child(name="Handouts")
    document_door = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="rally",
    )
    return event, [
        f"/_util/authenticate_with_password/{page_door.pk}/{event.pk}/",
        f"/documents/authenticate_with_password/{document_door.pk}/",
    ]


@pytest.mark.parametrize(
    "return_url",
    ["ÿ", "home", "wagtailadmin_home", "//evil.example/", "https://evil.example/"],
)
def test_a_return_url_off_the_site_lands_on_the_home_page(
    production, doors, return_url
):
    """``redirect()`` reads a value without "/" or "." as a view name: "ÿ" answered
    500 (NoReverseMatch), and "wagtailadmin_home" sent the reader into the admin's
    sign-in. Another site's address went to /accounts/profile/, a 404."""
    _event, urls = doors
    for door in urls:
        client = https_client()
        response = client.post(door, {"password": "rally", "return_url": return_url})
        assert response.status_code == 302, (door, response.status_code)
        assert response["Location"] == "/"


def test_the_page_s_own_address_is_kept(production, doors):
    event, urls = doors
    for door in urls:
        response = https_client().post(
            door, {"password": "rally", "return_url": event.url}
        )
        assert response.status_code == 302
        assert response["Location"] == event.url
