"""Wagtail's redirects (Settings > Redirects) answer through our middleware."""

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from tests.factories import build_bulletin, build_home_page

pytestmark = pytest.mark.django_db


def test_a_redirect_staff_made_sends_an_old_address_to_its_page(client):
    """An old address printed on a flyer (/kyr/) sent to the bulletin staff chose;
    an address with no redirect stays a 404."""
    build_home_page()
    bulletin = build_bulletin(title="Know your rights")
    Redirect.objects.create(
        old_path="/kyr", site=Site.objects.get(), redirect_page=bulletin
    )

    response = client.get("/kyr/")
    assert response.status_code == 301
    assert response["Location"] == bulletin.url

    assert client.get("/no-such-flyer/").status_code == 404
