"""Browser journeys of issue 16, on a phone: a guest frees their place from the link in
their e-mail (in Spanish), and the first on the waitlist gets it; the volunteer at the
door checks people in from the check-in list and sees the count go up."""

import re

import pytest
from django.core.cache import caches

from events.guest_mail import CONFIRMATION, build_guest_email
from events.models import Rsvp
from tests.e2e.test_hardening_journeys import log_in
from tests.events.guests import PRIVATE_ADDRESS, guest_event, rsvp
from tests.events.test_check_in import door_keeper_for
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(home_page, monkeypatch):
    # No worker here: e-mails are not queued (nothing left in a shared broker).
    monkeypatch.setattr("events.guest_mail.enqueue_sending", lambda: True)
    # The door keeper's list: the check-in list is theirs for the events offering it.
    legal = MailingListFactory(name="Legal", slug="legal")
    return guest_event(capacity=2, rsvp_list=legal)


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
    page.get_by_role(
        "heading", name="Su confirmación de asistencia está cancelada"
    ).wait_for()
    page.get_by_role("status").filter(has_text="Gracias por avisarnos").wait_for()

    assert Rsvp.objects.get(pk=ana.pk).status == "cancelled"
    assert Rsvp.objects.get(pk=waiting.pk).status == "confirmed"


def test_the_door_checks_people_in_on_a_phone(page, live_server, event):
    for name in ("Zofia Nowak", "Ana López"):
        rsvp(event, name, f"{name.split()[0].lower()}@example.org", "pl")
    door_keeper_for(event.rsvp_list)

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


ROW_LAYOUT = """list => {
    const box = element => element.getBoundingClientRect();
    return {
        rows: [...list.querySelectorAll("li")].map(row => ({
            name: box(row.querySelector("span")),
            button: box(row.querySelector("button")),
            row: box(row),
        })),
        search: box(document.getElementById("check-in-search")),
        viewport: document.documentElement.clientWidth,
    };
}"""


def test_a_long_name_leaves_the_check_in_button_on_a_phone(
    open_page, live_server, event
):
    """The tester's case (390 px): a 100-letter single-word name pushed "Check in" to
    x 1186, out of reach (the admin's main hides what runs off the side), and the
    "Find a name" box was 22 px wider than the screen."""
    long_name = ("Wolfeschlegelsteinhausenbergerdorff" * 3)[:100]
    rsvp(event, long_name, "hubert@example.org", "en")
    rsvp(event, "Ana López", "ana@example.org", "es")
    door_keeper_for(event.rsvp_list)
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "door")

    page.goto(f"{live_server.url}/admin/check-in/{event.pk}/")
    layout = page.locator(".check-in-list").evaluate(ROW_LAYOUT)

    assert layout["viewport"] == 390
    assert layout["search"]["right"] <= 390, "the search box fits the screen"
    assert_buttons_on_screen(layout)
    long_row = page.locator("li", has_text=long_name)
    long_row.get_by_role("button", name="Check in").click()
    page.locator("#check-in-count", has_text="1 of 2").wait_for()
    # Checked in, the name is bold and its button "Undo".
    assert_buttons_on_screen(page.locator(".check-in-list").evaluate(ROW_LAYOUT))


def assert_buttons_on_screen(layout) -> None:
    assert len(layout["rows"]) == 2
    for row in layout["rows"]:
        button, name = row["button"], row["name"]
        assert button["left"] >= 0, row
        assert button["right"] <= layout["viewport"], "the button on the screen"
        assert button["width"] >= 44, "a whole button, not squeezed"
        assert name["right"] <= button["left"], "the name wraps beside its button"
