"""The language switcher on an event's RSVP form and on a guest's cancel link, on a
phone: another language keeps the reader on the same form. Both used to lead to the
event page, where the form had to be found again (and the cancel link, whose token
only the e-mail holds, was lost)."""

import pytest

from events.tokens import make_cancel_token
from tests.events.guests import guest_event, rsvp

pytestmark = pytest.mark.django_db(transaction=True)

SWITCH = "header .language-switcher a[hreflang='{}']"


@pytest.fixture
def event(home_page, monkeypatch):
    # No worker here: e-mails are not queued (nothing left in a shared broker).
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)
    return guest_event(capacity=5)


def test_switching_language_keeps_the_rsvp_form(page, live_server, event):
    # The event page's RSVP button leads here.
    page.goto(f"{live_server.url}/ar/_events/{event.pk}/rsvp/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator(SWITCH.format("es")).click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.url.endswith("/es/events/know-your-rights-session/rsvp/")
    page.get_by_role("button", name="Enviar mi confirmación").wait_for()
    assert page.get_by_label("Su correo electrónico").is_visible()

    # Hindi has no translation of the event: its readers get the English one, and
    # its form, under their prefix.
    hindi = page.locator(SWITCH.format("hi")).get_attribute("href")
    assert hindi == "/hi/events/know-your-rights-session/rsvp/"
    answer = page.request.get(live_server.url + hindi)
    assert answer.status == 200
    assert 'lang="hi"' in answer.text()
    assert 'name="email"' in answer.text()

    # And back, from the page's own rsvp/ address, to the default language.
    page.locator(SWITCH.format("en")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == f"{live_server.url}/events/know-your-rights-session/rsvp/"
    page.get_by_role("button", name="Send my RSVP").wait_for()


def test_switching_language_keeps_a_guests_cancel_link(page, live_server, event):
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    token = make_cancel_token(ana.pk)
    page.goto(
        f"{live_server.url}/es/events/know-your-rights-session/rsvp/cancel/{token}/"
    )
    page.get_by_role("button", name="Ya no puedo asistir").wait_for()
    page.locator(SWITCH.format("ar")).click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.endswith(f"/rsvp/cancel/{token}/")
    assert page.locator("main form button[type=submit]").count() == 1
