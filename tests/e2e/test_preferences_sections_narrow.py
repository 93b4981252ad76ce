"""On a 390 px phone the preferences page's "Your data" heading sat right against the
red "Unsubscribe from everything" button: it is set apart as the leaving section is
from "Save my choices" (the same space and rule above it)."""

import os

import pytest

from subscribers import tokens
from subscribers.models import Subscriber, Subscription
from tests.e2e.test_leave_and_rejoin import on_server
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db(transaction=True)

SPACING = """e => {
    const style = getComputedStyle(e);
    return [style.marginTop, style.paddingTop, style.borderTopWidth, style.borderTopStyle];
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_your_data_is_set_apart_from_the_unsubscribe_button(
    open_page, live_server, home_page, language
):
    outreach = MailingListFactory(name="Community Outreach/Education")
    priya = Subscriber.for_email("priya@example.org", language=language)
    priya.save()
    Subscription.objects.create(
        subscriber=priya, mailing_list=outreach, status="confirmed", source="signup"
    )
    page = open_page(width=390, height=844)
    page.goto(on_server(tokens.preferences_url(priya.pk), live_server))
    if shots := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{shots}/preferences-390-{language}.png", full_page=True)

    leave_all = page.locator(".leave-all")
    button = leave_all.locator("a.button-danger")
    your_data = page.locator(".leave-all + h2")
    assert your_data.count() == 1
    assert your_data.evaluate(SPACING) == leave_all.evaluate(SPACING)
    button_bottom = button.bounding_box()["y"] + button.bounding_box()["height"]
    gap = your_data.bounding_box()["y"] - button_bottom
    assert gap >= 40, f"'Your data' {gap}px under the red button"


COLOURS = "e => [getComputedStyle(e).color, getComputedStyle(e).borderTopColor]"


def test_erase_me_looks_as_drastic_as_unsubscribing(open_page, live_server, home_page):
    """ "Erase me" (everything held, for good) was the plain blue main button, while
    the milder "Unsubscribe from everything" wore the red warning style."""
    priya = Subscriber.for_email("priya@example.org", language="es")
    priya.save()
    Subscription.objects.create(
        subscriber=priya,
        mailing_list=MailingListFactory(),
        status="confirmed",
        source="signup",
    )
    page = open_page(width=390, height=844)
    # The e-mailed link: the full preference centre, where "Erase me" is.
    url = tokens.mailed_preferences_url(priya.pk, generation=priya.link_generation)
    page.goto(on_server(url, live_server))

    erase = page.locator(".erase-form button[value=erase]")
    unsubscribe = page.locator(".leave-all a.button-danger")
    assert erase.count() == 1
    assert erase.evaluate(COLOURS) == unsubscribe.evaluate(COLOURS)
    download = page.locator("button[value=download]")
    assert download.evaluate(COLOURS) != unsubscribe.evaluate(COLOURS)
