"""The page and document password forms after the right password: a return_url
that is not a path on this site (a view name, a word, another site) lands on the
home page, never a 500 or Wagtail's LOGIN_REDIRECT_URL (/accounts/profile/, which
is no page here)."""

import pytest

from tests.security.production import https_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "return_url",
    ["ÿ", "home", "wagtailadmin_home", "//evil.example/", "https://evil.example/"],
)
def test_a_return_url_off_the_site_lands_on_the_home_page(
    production, password_doors, return_url
):
    """``redirect()`` reads a value without "/" or "." as a view name: "ÿ" answered
    500 (NoReverseMatch), and "wagtailadmin_home" sent the reader into the admin's
    sign-in. Another site's address went to /accounts/profile/, a 404."""
    _event, urls = password_doors
    for door in urls:
        client = https_client()
        response = client.post(door, {"password": "rally", "return_url": return_url})
        assert response.status_code == 302, (door, response.status_code)
        assert response["Location"] == "/"


def test_the_page_s_own_address_is_kept(production, password_doors):
    event, urls = password_doors
    for door in urls:
        response = https_client().post(
            door, {"password": "rally", "return_url": event.url}
        )
        assert response.status_code == 302
        assert response["Location"] == event.url
