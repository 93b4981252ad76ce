"""Once a guest has cancelled, the cancel page's heading says so in their language:
it read "Cancel my RSVP" (in Arabic an instruction, "ألغِ تأكيد حضوري") above
"Your RSVP is cancelled", as if the button had done nothing."""

import re

import pytest
from django.test import Client

from events.models import Rsvp
from tests.events.guests import guest_event, rsvp
from tests.events.test_rsvp_cancel import cancel_url
from tests.factories import translate_page
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


def heading(html: str) -> str:
    (h1,) = re.findall(r"<h1>(.*?)</h1>", html, re.S)
    return h1.strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_cancelling_the_heading_says_the_rsvp_is_cancelled(
    home_page, run_on_commit, language
):
    event = guest_event(capacity=None)
    if language != "en":
        event = translate_page(event, language)
    guest = rsvp(event, "Ana", "ana@example.org", language)
    client = Client()
    asking = client.get(cancel_url(event, guest)).content.decode()
    assert heading(asking) == said(language, "Cancel my RSVP")
    with run_on_commit():
        assert client.post(cancel_url(event, guest)).status_code == 303
    assert Rsvp.objects.get(pk=guest.pk).status == Rsvp.Status.CANCELLED

    done = client.get(cancel_url(event, guest)).content.decode()
    assert heading(done) == said(language, "Your RSVP is cancelled")
    assert said(language, "Cancel my RSVP") not in done
    assert f"<title>{said(language, 'Your RSVP is cancelled')}" in done


def test_after_leaving_the_waitlist_the_heading_says_so(home_page, run_on_commit):
    event = guest_event(capacity=1)
    rsvp(event, "Ana", "ana@example.org")
    waiting = rsvp(event, "Cy", "cy@example.org", "ar")
    assert waiting.status == Rsvp.Status.WAITLISTED
    event_ar = translate_page(event, "ar")
    client = Client()
    asking = client.get(cancel_url(event_ar, waiting)).content.decode()
    assert heading(asking) == said("ar", "Leave the waitlist")
    with run_on_commit():
        assert client.post(cancel_url(event_ar, waiting)).status_code == 303
    done = client.get(cancel_url(event_ar, waiting)).content.decode()
    assert heading(done) == said("ar", "You have left the waitlist")
    assert said("ar", "Leave the waitlist") not in done
