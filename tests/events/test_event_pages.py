"""Event pages and listings: validation, Chicago time, filters, the past archive, languages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventPage
from tests.factories import (
    build_event,
    build_event_index,
    staff_member,
    translate_page,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
EMPTY_DRAFTAIL = '{"blocks": [], "entityMap": {}}'


def test_end_before_start_is_a_validation_error(home_page):
    start = timezone.now() + timedelta(days=3)
    event = EventPage(
        title="Rally", slug="rally", start=start, end=start - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict


def test_other_invalid_combinations(home_page):
    start = timezone.now() + timedelta(days=3)
    event = EventPage(
        title="Webinar",
        slug="webinar",
        start=start,
        end=start + timedelta(hours=1),
        rsvp_mode="external",
        hide_address=True,
        capacity=0,
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert {"rsvp_url", "hide_address", "capacity"} <= set(error.value.message_dict)


def test_admin_shows_end_before_start_as_a_form_error_in_the_users_language(
    client, home_page
):
    index = build_event_index()
    admin = staff_member("es")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", index.pk])

    response = client.post(
        url,
        {
            "title": "Rally",
            "slug": "rally",
            "kind": "rally",
            "start": "2027-03-15 10:00",
            "end": "2027-03-15 09:00",
            "rsvp_mode": "none",
            "waitlist": "on",
            "description": EMPTY_DRAFTAIL,
            "action-publish": "publish",
        },
    )

    assert response.status_code == 200
    assert "El final debe ser posterior al inicio." in response.content.decode()
    assert not EventPage.objects.exists()


def test_event_page_shows_chicago_time_map_link_and_rsvp(client, home_page):
    start = datetime(2027, 3, 4, 9, 0, tzinfo=CHICAGO)
    event = build_event(
        title="ICIRR Leadership Summit",
        kind="leadership_summit",
        start=start,
        end=start + timedelta(hours=4),
        venue="Chicago Teachers Union",
        address="1901 W Carroll Ave",
        rsvp_mode="internal",
        capacity=200,
        organisers="ICIRR",
    )
    html = client.get(event.url).content.decode()
    assert "March 4, 2027, 9 a.m. – 1 p.m. (Chicago time)" in html
    assert "openstreetmap.org/search?query=1901+W+Carroll+Ave" in html
    assert f'data-places="/_events/{event.pk}/places/"' in html
    assert (
        "200 places left" in client.get(f"/_events/{event.pk}/places/").content.decode()
    )
    assert "200 places left" in client.get(event.url + "places/").content.decode()
    assert f'href="/_events/{event.pk}/rsvp/"' in html
    assert event.url + "ical/" in html


def test_listing_upcoming_by_default_filters_and_past_archive(client, home_page):
    index = build_event_index()
    now = timezone.now()
    build_event(index, title="Old rally", kind="rally", start=now - timedelta(days=30))
    build_event(index, title="Soon rally", kind="rally", start=now + timedelta(days=2))
    build_event(
        index, title="Soon webinar", kind="webinar", start=now + timedelta(days=3)
    )
    far = datetime(now.year + 1, 5, 1, 12, 0, tzinfo=CHICAGO)
    build_event(index, title="May Day march", kind="rally", start=far)

    upcoming = client.get(index.url).content.decode()
    rallies = client.get(index.url, {"kind": "rally"}).content.decode()
    may = client.get(index.url, {"month": f"{far.year}-05"}).content.decode()
    past = client.get(index.url, {"when": "past"}).content.decode()
    junk = client.get(index.url, {"kind": "<script>", "month": "13-2020", "page": "x"})
    # December 9999 has no month after it to end the range: all events, not a 500.
    last_month = client.get(index.url, {"month": "9999-12"})
    assert last_month.status_code == 200
    assert "Soon rally" in last_month.content.decode()

    assert "Old rally" not in upcoming
    assert (
        upcoming.index("Soon rally")
        < upcoming.index("Soon webinar")
        < upcoming.index("May Day")
    )
    assert "Soon webinar" not in rallies
    assert "Soon rally" in rallies
    assert "May Day march" in may
    assert "Soon rally" not in may
    assert "Old rally" in past
    assert "Soon rally" not in past
    assert junk.status_code == 200


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("es", "ltr")])
def test_translated_event_pages_and_missing_translation_fallback(
    client, home_page, language, direction
):
    index = build_event_index()
    event = build_event(index, title="Lobby day")
    translated = translate_page(event, language, title=f"Lobby ({language})")
    untranslated = build_event(index, title="Webinar")

    response = client.get(translated.url)
    fallback = client.get(f"/{language}/events/{untranslated.slug}/")
    listing = client.get(f"/{language}/events/").content.decode()

    assert translated.url.startswith(f"/{language}/")
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()
    assert f"Lobby ({language})" in response.content.decode()
    assert fallback.status_code == 200
    assert '<article lang="en" dir="ltr">' in fallback.content.decode()
    assert f"Lobby ({language})" in listing
    assert "Webinar" in listing
    assert client.get(f"/{language}/events/no-such-event/").status_code == 404


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Jan. 15, 2027, 6 p.m. – 7:30 p.m."),
        ("hi", "15 जनवरी 2027, 18:00 – 19:30"),
        ("ar", "15 يناير، 2027، 6:00 م – 7:30 م"),
        ("es", "15 de enero de 2027 a las 18:00 – 19:30"),
        ("pl", "15 stycznia 2027, 18:00 – 19:30"),
    ],
)
def test_event_times_read_in_each_languages_own_pattern(home_page, language, shown):
    """Not an English pattern with translated month names ("जनवरी. 15, 2027"), and
    Hindi evening times not written like morning ones."""
    from django.utils import translation

    start = datetime(2027, 1, 15, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
    event = build_event(start=start, end=start + timedelta(minutes=90))
    with translation.override(language):
        assert event.when_display().startswith(shown)


@pytest.mark.parametrize(
    ("language", "comma"), [("en", ", "), ("es", ", "), ("ar", "، "), ("zh-hans", "，")]
)
def test_a_place_reads_with_the_readers_own_comma(client, home_page, language, comma):
    event = build_event(
        venue="Parish hall",
        address="12 Quiet St",
        hide_address=True,
        rsvp_mode="internal",
    )
    with translation.override(language):
        hint = translation.gettext("address sent to people who RSVP")
        assert event.location_text() == f"Parish hall{comma}{hint}"
        # Two English parts on a left-to-right page are one English phrase, with
        # English's comma (test_place_language); Arabic keeps its own.
        between = comma if language in ("en", "es", "ar") else ", "
        assert event.location_text(include_hidden=True) == (
            f"Parish hall{between}12 Quiet St"
        )
    prefix = "" if language == "en" else f"/{language}"
    listing = client.get(f"{prefix}/events/").content.decode()
    # The comma outside the English place's mark, the hint in the reader's language.
    place = '<bdi lang="en" dir="ltr">Parish hall</bdi>'
    direction = "rtl" if language == "ar" else "ltr"
    lang_attrs = f'lang="{language}" dir="{direction}"'
    assert f"{place}{comma}<span {lang_attrs}>{hint}</span>" in listing


def test_an_english_address_keeps_its_order_on_an_arabic_page(client, home_page):
    """In a right-to-left paragraph "400 S State St, Chicago" showed as "S State St,
    Chicago ... 400": the venue and address are isolated (<bdi>), so each takes the
    direction of its own first letter, whatever the page's."""
    event = build_event(
        venue="Harold Washington Library",
        address="400 S State St, Chicago, IL 60605",
        rsvp_mode="none",
    )
    arabic = translate_page(event, "ar", title="ورشة اعرف حقوقك")

    html = client.get(arabic.url).content.decode()

    assert 'dir="rtl"' in html
    english = '<bdi lang="en" dir="ltr">'
    assert f"{english}Harold Washington Library</bdi>" in html
    assert f"{english}400 S State St, Chicago, IL 60605</bdi>" in html


def test_a_past_event_with_an_rsvp_link_elsewhere_offers_no_rsvp_button(
    client, home_page
):
    """A 2017 lobby day whose RSVP is on another site showed its "RSVP" button (in
    Polish "Zapisz się") years later, sending readers to sign up for something over;
    an event RSVP'd here says "RSVPs are closed." once it has started, and so does
    this one, in the reader's language."""
    index = build_event_index()
    past = build_event(
        index,
        title="Lobby day",
        slug="lobby-day",
        start=timezone.now() - timedelta(days=30),
        rsvp_mode="external",
        rsvp_url="https://partner.example.org/register",
    )
    translate_page(past, "pl", title="Dzień lobbingu")
    upcoming = build_event(
        index,
        title="Summit",
        slug="summit",
        rsvp_mode="external",
        rsvp_url="https://partner.example.org/summit",
    )

    english = client.get(past.url).content.decode()
    polish = client.get("/pl/events/lobby-day/").content.decode()
    coming = client.get(upcoming.url).content.decode()

    assert "https://partner.example.org/register" not in english
    assert "RSVPs are closed." in english
    assert "https://partner.example.org/register" not in polish
    with translation.override("pl"):
        from django.utils.translation import gettext

        assert gettext("RSVPs are closed.") in polish
    assert (
        '<a class="button" href="https://partner.example.org/summit">RSVP</a>' in coming
    )
