"""The venue and address are the English page's words in every translation (synchronised
fields): each is marked lang="en" inside its <bdi>, on the page, in event cards and in
the guest and alert e-mails, so an Arabic screen reader reads "A community hall in
Pilsen" with an English voice (WCAG 3.1.2). The reader's comma between the parts and
the "address sent to people who RSVP" note stay in the reader's language."""

import pytest
from django.utils import translation

from cms.email.rendering import render_email
from cms.models import AlertPage
from events.guest_mail import CONFIRMATION, build_guest_email
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp
from tests.factories import build_bulletin_index, build_event, translate_page

pytestmark = pytest.mark.django_db

VENUE = "A community hall in Pilsen"


def english(text: str) -> str:
    return f'<bdi lang="en" dir="ltr">{text}</bdi>'


def test_a_translators_venue_does_not_stick_so_the_place_is_always_english(
    home_page,
):
    """Why place_language is the source's, with no look-up of the source page."""
    event = build_event(venue="Federal Plaza", address="230 S Dearborn St")

    arabic = translate_page(event, "ar", title="تجمع", venue="الساحة الفيدرالية")

    arabic.refresh_from_db()
    assert (arabic.venue, arabic.address) == ("Federal Plaza", "230 S Dearborn St")
    assert arabic.place_language == "en"


def test_the_arabic_page_and_its_card_mark_the_place_english(client, home_page):
    event = guest_event(hide_address=False)
    arabic = event.get_translation(translate_page(event, "ar").locale).specific

    page = client.get(arabic.url).content.decode()
    listing = client.get("/ar/events/").content.decode()

    assert 'lang="ar" dir="rtl"' in page
    assert f"{english(VENUE)}<br>" in page
    # Then the map link, which a printed page leaves off (its own span).
    assert f'{english(PRIVATE_ADDRESS)}<span class="map-link"> ·' in page
    # The Arabic comma between the parts, outside either English mark.
    assert f"{english(VENUE)}، {english(PRIVATE_ADDRESS)}" in listing


def test_the_reader_s_note_stays_in_the_reader_s_language(client, home_page):
    guest_event()
    with translation.override("ar"):
        note = translation.gettext("address sent to people who RSVP")

    listing = client.get("/ar/events/").content.decode()

    assert f'{english(VENUE)}، <span lang="ar" dir="rtl">{note}</span>' in listing


def test_the_arabic_guest_email_marks_the_place_english(home_page):
    omar = rsvp(guest_event(), "Omar", "omar@example.org", "ar")

    ((html, _type),) = build_guest_email(rsvp=omar, kind=CONFIRMATION).alternatives

    assert '<html lang="ar" dir="rtl">' in html
    assert f"{english(VENUE)}، {english(PRIVATE_ADDRESS)}" in html


def test_the_arabic_alert_email_marks_the_place_english(home_page):
    event = guest_event(
        venue="City Hall steps", address="121 N LaSalle St", hide_address=False
    )
    alert = AlertPage(title="Rally tonight", message="<p>Come.</p>", event=event)
    build_bulletin_index(home_page).add_child(instance=alert)
    alert.save_revision().publish()

    html = render_email(alert, language="ar").html

    assert f"{english('City Hall steps')}، {english('121 N LaSalle St')}" in html


def test_a_chinese_card_joins_english_parts_with_an_english_comma(client, home_page):
    """A Chinese card joined the English venue and address with the Chinese comma,
    "A community hall in Pilsen，<address>": an English phrase with a full-width comma
    in it. Two English parts now take English's ", "; a Chinese note after an English
    part keeps "，" (test_event_pages.test_a_place_reads_with_the_readers_own_comma),
    and Arabic keeps "،" between English parts (above)."""
    event = guest_event(hide_address=False)
    translate_page(event, "zh-hans", title="了解您的权利讲座")

    listing = client.get("/zh-hans/events/").content.decode()
    assert f"{english(VENUE)}, {english(PRIVATE_ADDRESS)}" in listing
    assert "，" not in listing.split(english(VENUE), 1)[1].split("</p>", 1)[0]
    with translation.override("zh-hans"):
        assert event.location_text() == f"{VENUE}, {PRIVATE_ADDRESS}"
