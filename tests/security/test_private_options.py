"""OPTIONS to a private page: the earlier round saw a 200 with an Allow header, as for
a public page, Wagtail answering OPTIONS before it checks the page's privacy. It now
gets what a GET without the password gets."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db


def test_options_to_a_page_behind_a_password_gets_the_password_form(password_doors):
    event, _urls = password_doors
    client = Client()
    for path in (event.url, f"{event.url}ical/"):
        answer = client.options(path)
        as_a_get = client.get(path)
        assert answer.status_code == as_a_get.status_code == 200, path
        assert not answer.has_header("Allow"), path
        assert 'name="password"' in answer.content.decode(), path
        assert "Know Your Rights" not in answer.content.decode(), path
        assert "no-store" in answer["Cache-Control"], path


def test_options_to_a_page_for_signed_in_staff_is_sent_to_sign_in(home_page):
    bulletin = build_bulletin(title="Staff roster")
    PageViewRestriction.objects.create(
        page=bulletin, restriction_type=PageViewRestriction.LOGIN
    )
    answer = Client().options(bulletin.url)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/_util/login/?next=")
    assert not answer.has_header("Allow")


def test_options_after_the_password_and_to_a_public_page_list_the_methods(
    password_doors,
):
    event, urls = password_doors
    client = Client()
    client.post(urls[0], {"password": "rally", "return_url": event.url})
    assert client.options(event.url).has_header("Allow")
    public = build_bulletin(title="Open meeting")
    assert Client().options(public.url).has_header("Allow")
