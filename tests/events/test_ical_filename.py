"""An event whose slug is not ASCII (Wagtail allows Unicode slugs: a Hindi or Chinese
page's own) got its .ics with the whole Content-Disposition header MIME-encoded
(``=?utf-8?b?...?=``, Django's way with a non-Latin-1 header): no browser reads that,
so "attachment" was lost and the file opened as text or downloaded without its name.
Now RFC 6266's ``filename*`` (Django's content_disposition_header)."""

from urllib.parse import quote

import pytest

from tests.factories import build_event

pytestmark = pytest.mark.django_db


def test_a_unicode_slug_gives_a_readable_attachment_header(client, home_page):
    event = build_event(title="活动", slug="活动")
    response = client.get(event.url + "ical/")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert f"filename*=utf-8''{quote('活动.ics')}" in header


def test_an_ascii_slug_keeps_its_plain_filename(client, home_page):
    event = build_event(title="Lobby day", slug="lobby-day")
    response = client.get(event.url + "ical/")
    assert response["Content-Disposition"] == 'attachment; filename="lobby-day.ics"'
