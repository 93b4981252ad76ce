"""Once the guest has answered, the RSVP pages say what happened once, in the heading:
the "Confirm my place" page kept its instruction as the heading above "Your place is
confirmed", and the cancel page's status line repeated its heading ("Your RSVP is
cancelled") word for word. In every language."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from events.services import confirm_rsvp, record_rsvp
from tests.events.guests import guest_event, rsvp
from tests.events.test_confirm_by_email import confirm_path, confirming_event, press
from tests.events.test_rsvp_cancel import cancel_url
from tests.events.test_rsvp_cancel_heading import heading
from tests.factories import translate_page
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def status_line(html: str) -> str:
    (line,) = re.findall(r'<p role="status">(.*?)</p>', html, re.S)
    return line.strip()


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_once_confirmed_the_heading_says_the_place_is_confirmed(
    home_page, sender_queued, language
):
    event = confirming_event(capacity=2)
    guest = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language=language
    )
    path = confirm_path(guest.pk, language)
    client = Client()
    asking = client.get(path).content.decode()
    assert heading(asking) == said(language, "Confirm my place")

    assert press(client, path).status_code == 303
    done = client.get(path).content.decode()
    confirmed = said(language, "Your place is confirmed")
    assert heading(done) == confirmed
    assert title(done).startswith(confirmed)
    assert said(language, "Confirm my place") not in done
    assert status_line(done) == said(
        language, "We have sent you the details by e-mail."
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_once_on_the_waitlist_the_heading_says_so(home_page, sender_queued, language):
    event = confirming_event(capacity=1, waitlist=True)
    ana = record_rsvp(
        event_id=event.pk, name="A", email="ana@example.org", language=language
    )
    luis = record_rsvp(
        event_id=event.pk, name="L", email="luis@example.org", language="ar"
    )
    assert confirm_rsvp(rsvp_id=luis.pk).status == "confirmed"
    path = confirm_path(ana.pk, language)
    client = Client()
    assert press(client, path).status_code == 303
    done = client.get(path).content.decode()
    assert heading(done) == said(language, "You are on the waitlist")
    assert status_line(done) == said(
        language, "The event is full. We will write if a place opens."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cancel_page_says_the_rsvp_is_cancelled_once(
    home_page, run_on_commit, language
):
    event = guest_event(capacity=None)
    if language != "en":
        event = translate_page(event, language)
    guest = rsvp(event, "Ana", "ana@example.org", language)
    client = Client()
    with run_on_commit():
        assert client.post(cancel_url(event, guest)).status_code == 303
    done = client.get(cancel_url(event, guest)).content.decode()
    cancelled = said(language, "Your RSVP is cancelled")
    assert heading(done) == cancelled
    body = done[done.index("</title>") :]
    assert body.count(cancelled) == 1, "said once, in the heading"
    assert status_line(done) == said(language, "Thank you for telling us.")


def test_a_place_given_away_and_a_waitlist_left_are_said_once(home_page, run_on_commit):
    event = guest_event(capacity=1)
    ana = rsvp(event, "Ana", "ana@example.org")
    rsvp(event, "Bo", "bo@example.org")
    cy = rsvp(event, "Cy", "cy@example.org")
    client = Client()
    with run_on_commit():
        assert client.post(cancel_url(event, ana)).status_code == 303
    done = client.get(cancel_url(event, ana)).content.decode()
    assert heading(done) == "Your RSVP is cancelled"
    assert status_line(done) == (
        "Thank you for telling us: your place goes to the next person on the waitlist."
    )

    with run_on_commit():
        assert client.post(cancel_url(event, cy)).status_code == 303
    left = client.get(cancel_url(event, cy)).content.decode()
    assert heading(left) == "You have left the waitlist"
    assert status_line(left) == "Thank you for telling us."
