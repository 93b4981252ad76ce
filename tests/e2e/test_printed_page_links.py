"""What a printed page keeps and leaves off, in English and Arabic.

Printed, the footer still carried "Change your lists or unsubscribe" and a machine
translation's note still ended with "Read the original in English": links to screens
nobody can reach from paper. They are left off; the organisation's contact and the
note that the text was machine translated stay, as text.

The event page's "12 places left" is fetched live by places.js: on paper it was
whatever the count was when the page was printed (and nothing at all when the script
had not run), so a flyer posted for a week kept saying "12 places left". The count is
left off paper; the sheet gives the page's address to RSVP ("Details and RSVP: ...").
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from cms.machine_translation import mark_machine_drafted
from tests.factories import build_event, build_event_index, translate_page

pytestmark = pytest.mark.django_db(transaction=True)


def _event(home_page):
    return build_event(
        build_event_index(home_page),
        title="Know Your Rights session",
        address="1 Example St, Chicago, IL 60608",
        rsvp_mode="internal",
        capacity=12,
    )


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_a_printed_page_leaves_links_to_screens_off_and_keeps_the_contact(
    page, live_server, home_page, language, prefix
):
    cache.clear()
    event = _event(home_page)
    arabic = translate_page(event, "ar", title="جلسة اعرف حقوقك")
    mark_machine_drafted(arabic, tool_name="LibreTranslate")
    shown = arabic if language == "ar" else event
    with translation.override(language):
        lists_label = translation.gettext("Change your lists or unsubscribe")
        original_label = translation.gettext("Read the original in English")
        contact_label = translation.gettext("Contact us")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}{prefix}{event.url}")
    footer = page.locator("footer")
    lists_link = footer.get_by_role("link", name=lists_label)
    assert lists_link.is_visible()
    contact = footer.locator(".contact")
    assert contact.get_by_role("heading", name=contact_label).is_visible()
    if shown is arabic:
        original = page.locator(".machine-note").get_by_role(
            "link", name=original_label
        )
        assert original.is_visible()

    page.emulate_media(media="print")
    assert lists_link.is_hidden()
    # The contact stays on paper, as text a reader can call or write to.
    assert contact.is_visible()
    assert contact.get_by_role("heading", name=contact_label).is_visible()
    if shown is arabic:
        note = page.locator(".machine-note")
        assert note.is_visible()
        assert "LibreTranslate" in note.inner_text()
        assert original.is_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF")


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_a_printed_event_leaves_the_live_places_count_off(
    page, live_server, home_page, language, prefix
):
    cache.clear()
    event = _event(home_page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{prefix}{event.url}")
    state = page.locator(".rsvp-state")
    # places.js has swapped in the live fragment: the count is on screen.
    with translation.override(language):
        count = translation.ngettext(
            "%(places)s place left", "%(places)s places left", 12
        ) % {"places": "12"}
    page.wait_for_function(
        "text => document.querySelector('.rsvp-state').innerText.includes(text)",
        arg=count,
    )
    assert count in state.inner_text()

    page.emulate_media(media="print")
    assert count not in state.inner_text()
    printed = page.locator(".print-url")
    assert printed.is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
