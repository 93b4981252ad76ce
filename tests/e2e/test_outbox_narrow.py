"""The e-mail outbox on a phone (390 px): each message's date can be reached.

The three columns (subject, address, date) are wider than a phone's screen, and the
admin's main column clips what overflows it: the Date column was cut off at 390 px."""

import pytest
from django.core import mail

from tests.e2e.test_hardening_journeys import log_in
from tests.e2e.test_mailing_list_narrow import SCROLLED_INTO_REACH
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_date_of_each_message_is_in_reach_on_a_phone(
    open_page, live_server, outbox_dir
):
    mail.send_mail(
        "Rally tonight",
        "body",
        None,
        ["mohammed.alrashidi.communityoutreach@chicagoimmigrants.example.org"],
    )
    SuperuserFactory(username="editor")
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/outbox/")

    when = page.locator("tbody time").first
    place = when.evaluate(SCROLLED_INTO_REACH)
    assert place["left"] >= 0, place
    assert place["right"] <= place["screen"], place
