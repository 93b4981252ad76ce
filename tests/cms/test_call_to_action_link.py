"""A call to action's web address takes a phone number as staff write it.

Staff who typed "(202) 224-3121" there were told only "Enter a valid URL." (the field
wanted tel:+12022243121, which they had no reason to know); now a number becomes the
tel: link, and anything else the field cannot take is answered with what to write, in
the staff member's admin language."""

import html
import json
import re
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from cms.models import BulletinPage
from tests.factories import (
    build_bulletin,
    build_bulletin_index,
    staff_member,
)

pytestmark = pytest.mark.django_db

ENGLISH_HINT = (
    "Enter a web address starting with https://, a phone number such as "
    "(202) 224-3121, or mailto: followed by an e-mail address."
)
HINTS = json.loads(
    (Path(__file__).parents[2] / "locale/translations/fix-staff2.json").read_text()
)[ENGLISH_HINT]


def field_errors(response) -> list[str]:
    """The messages the stream field's script shows under its fields (sent as JSON)."""
    page = html.unescape(response.content.decode())
    return [
        message
        for found in re.findall(r'"messages": (\[[^\]]*\])', page)
        for message in json.loads(found)
    ]


def publish_call_to_action(client, home_page, url: str, *, language: str = "en"):
    bulletin = build_bulletin(build_bulletin_index(home_page), summary="News.")
    client.force_login(staff_member(language))
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
        {
            "title": bulletin.title,
            "slug": bulletin.slug,
            "date": "2026-03-01",
            "summary": "News.",
            "body-count": "1",
            "body-0-type": "call_to_action",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": str(uuid.uuid4()),
            "body-0-value-text": "Call your Senators.",
            "body-0-value-label": "Call (202) 224-3121",
            "body-0-value-page": "",
            "body-0-value-url": url,
            "action-publish": "publish",
        },
    )
    return bulletin, response


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(202) 224-3121", "tel:+12022243121"),
        ("202-224-3121", "tel:+12022243121"),
        (" 1 202 224 3121 ", "tel:+12022243121"),
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("tel:(202) 224-3121", "tel:+12022243121"),
        ("311", "tel:311"),
    ],
)
def test_a_phone_number_typed_as_read_out_publishes_as_a_tel_link(
    client, home_page, typed, stored
):
    bulletin, response = publish_call_to_action(client, home_page, typed)

    assert response.status_code == 302
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    assert bulletin.live
    assert not bulletin.has_unpublished_changes
    block = bulletin.body[0]
    assert block.value["url"] == stored
    page = client.get(bulletin.url).content.decode()
    assert f'href="{stored}"' in page


@pytest.mark.parametrize(
    "kept",
    ["https://www.senate.gov/", "tel:+12022243121", "mailto:ona@example.org"],
)
def test_web_and_mail_addresses_are_kept_as_written(client, home_page, kept):
    bulletin, response = publish_call_to_action(client, home_page, kept)

    assert response.status_code == 302
    assert BulletinPage.objects.get(pk=bulletin.pk).body[0].value["url"] == kept


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.senate.gov", "https://www.senate.gov"),
        ("icirr.org/rsvp?event=12", "https://icirr.org/rsvp?event=12"),
    ],
)
def test_an_address_typed_without_https_is_taken_as_the_other_fields_take_it(
    client, home_page, typed, stored
):
    """The resource's web address and a news item's link took "www.…" and added
    https://; the call to action refused it."""
    bulletin, response = publish_call_to_action(client, home_page, typed)

    assert response.status_code == 302
    assert BulletinPage.objects.get(pk=bulletin.pk).body[0].value["url"] == stored


def test_an_address_the_field_cannot_take_says_what_to_write(client, home_page):
    bulletin, response = publish_call_to_action(client, home_page, "senate dot gov")

    assert response.status_code == 200, "the editor comes back with the error"
    assert field_errors(response) == [ENGLISH_HINT]
    assert not BulletinPage.objects.get(pk=bulletin.pk).has_unpublished_changes


@pytest.mark.parametrize("language", ["es", "hi", "zh-hans", "ar", "pl"])
def test_the_hint_is_in_the_staff_members_admin_language(client, home_page, language):
    _, response = publish_call_to_action(
        client, home_page, "call our office", language=language
    )

    assert response.status_code == 200
    assert field_errors(response) == [HINTS[language]]
