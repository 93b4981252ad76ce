"""The RSVP, cancel and confirm pages name the event in its own language and
direction: a reader whose language the event has no translation for reads the
English title inside their page (an Arabic page, right to left), and a screen
reader must read it as English, as the event page and the guest e-mails mark it."""

import pytest
from django.test import Client

from events.tokens import make_cancel_token, make_confirm_token
from tests.events.guests import guest_event, rsvp

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = '<bdi lang="en" dir="ltr">Know Your Rights session</bdi>'


def test_an_untranslated_event_s_title_is_marked_english_on_an_arabic_page(
    home_page, sender_queued
):
    event = guest_event(title="Know Your Rights session", capacity=5)
    event.get_translations().filter(locale__language_code="ar").delete()
    ana = rsvp(event, "Ana", "ana@example.org", "ar")
    client = Client()
    paths = [
        f"/ar/_events/{event.pk}/rsvp/",
        f"/ar/events/{event.slug}/rsvp/?sent=1",
        f"/ar/events/{event.slug}/rsvp/cancel/{make_cancel_token(ana.pk)}/",
        f"/ar/events/{event.slug}/rsvp/confirm/{make_confirm_token(ana.pk)}/",
    ]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        body = page.content.decode()
        assert '<html lang="ar" dir="rtl">' in body, path
        assert ENGLISH_TITLE in body, path


def test_a_translated_event_s_title_keeps_the_reader_s_language(
    home_page, sender_queued
):
    event = guest_event(title="Know Your Rights session", capacity=5)
    spanish = event.get_translations().get(locale__language_code="es")
    body = Client().get(f"/es/_events/{event.pk}/rsvp/").content.decode()
    assert f'<bdi lang="es" dir="ltr">{spanish.title}</bdi>' in body
