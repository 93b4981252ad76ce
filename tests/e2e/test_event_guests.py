"""Browser journeys of issue 16, on a phone: a guest frees their place from the link in
their e-mail (in Spanish), and the first on the waitlist gets it; the volunteer at the
door checks people in from the check-in list and sees the count go up."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches

from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import Rsvp
from tests.e2e.test_hardening_journeys import log_in
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(home_page, monkeypatch):
    # No worker here: e-mails are not queued (nothing left in a shared broker).
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)
    event = guest_event(capacity=2)
    return event


def test_a_guest_frees_their_place_from_the_email_link(page, live_server, event):
    ana = rsvp(event, "Ana", "ana@example.org", "es")
    rsvp(event, "Bo", "bo@example.org", "en")
    waiting = rsvp(event, "Cy", "cy@example.org", "en")
    text = build_guest_email(rsvp=ana, kind=CONFIRMATION).body
    link = re.search(r"http://\S+/rsvp/cancel/\S+/", text).group(0)
    path = link.split("/", 3)[3]

    page.goto(f"{live_server.url}/{path}")
    assert page.locator("html").get_attribute("lang") == "es"
    assert PRIVATE_ADDRESS not in page.content()
    page.get_by_role("button", name="Ya no puedo asistir").click()
    page.get_by_text("Su confirmación de asistencia está cancelada").wait_for()

    assert Rsvp.objects.get(pk=ana.pk).status == "cancelled"
    assert Rsvp.objects.get(pk=waiting.pk).status == "confirmed"


def test_the_door_checks_people_in_on_a_phone(page, live_server, event):
    for name in ("Zofia Nowak", "Ana López"):
        rsvp(event, name, f"{name.split()[0].lower()}@example.org", "pl")
    group = Group.objects.create(name="Door")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="check_in_rsvp"),
    )
    UserFactory(username="door", is_staff=True).groups.add(group)

    log_in(page, live_server.url, "door")
    page.goto(f"{live_server.url}/admin/check-in/")
    page.get_by_role("link", name="Know Your Rights session").click()
    count = page.locator("#check-in-count")
    assert "0 of 2 confirmed guests checked in" in count.inner_text()
    assert "@example.org" not in page.content()
    row = page.locator("li", has_text="Zofia Nowak")
    row.get_by_role("button", name="Check in").click()
    page.locator("#check-in-count", has_text="1 of 2").wait_for()
    assert (
        page.locator("li", has_text="Zofia Nowak")
        .get_by_role("button", name="Undo")
        .is_visible()
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "no sideways scrolling on a phone"


def test_the_cached_event_page_fills_in_the_places_left(
    page, live_server, event, settings
):
    """The page comes from the page cache; its script fetches the places fragment,
    which an RSVP refreshes without purging the page."""
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    try:
        url = live_server.url + event.url
        page.goto(url)
        page.get_by_text("2 places left").wait_for()
        rsvp(event, "Ana", "ana@example.org")
        response = page.reload()
        assert response.headers["x-page-cache"] == "hit"
        page.get_by_text("1 place left").wait_for()
    finally:
        caches["pages"].clear()
