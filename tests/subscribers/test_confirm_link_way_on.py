"""A confirmation link that has expired says "Please sign up again", and a cut-off one
"check that you opened the whole link": both pages gave the reader no link to do it
with. Both now link to the signup page, under the reader's language prefix."""

import re

import pytest
from django.test import Client

from cms import bidi
from subscribers import tokens
from subscribers.models import SignupPage
from tests.factories import MailingListFactory, make_subscriber
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


def main_links(html: str) -> dict[str, str]:
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return {
        re.sub(r"\s+", " ", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', main, re.S)
    }


def test_an_expired_or_cut_off_confirmation_link_leads_to_the_signup_page(
    home_page, settings
):
    join = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    join.save_revision().publish()
    listed = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    subscriber = make_subscriber("ana@example.org")
    token = tokens.make_confirm_token(
        subscriber_id=subscriber.pk, list_ids=[listed.pk], page_id=join.pk
    )
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        tag = f'<html lang="{language}" dir="{bidi.direction(language)}">'
        again = said(language, "Sign up again")
        cut = Client().get(f"{prefix}/subscribers/confirm/{token[:-6]}/")
        assert cut.status_code == 400
        assert tag in cut.content.decode()
        assert main_links(cut.content.decode()) == {again: f"{prefix}/join/"}
        assert Client().get(f"{prefix}/join/").status_code == 200

    settings.SUBSCRIBERS_CONFIRM_MAX_AGE = -1
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        expired = Client().get(f"{prefix}/subscribers/confirm/{token}/")
        assert expired.status_code == 410
        assert main_links(expired.content.decode()) == {
            said(language, "Sign up again"): f"{prefix}/join/"
        }
