"""The rally alert form on an organizer's phone (390 px): the fields for the other
languages, folded in <details>, stay inside the screen like the English ones. They
ran 22 px off its right edge, where Arabic typed right to left begins."""

import pytest
from django.db import transaction

from tests.campaigns.alert_fixtures import alert_site, audience, organizer
from tests.e2e.test_hardening_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

EDGES = """() => [...document.querySelectorAll("main input:not([type=hidden]), main textarea")]
    .filter(field => field.offsetParent !== null && field.type !== "checkbox")
    .map(field => [field.id, field.getBoundingClientRect().right])"""


def test_every_language_field_fits_on_a_phone(open_page, live_server, home_page):
    with transaction.atomic():
        alert_site(home_page)
        (legal,) = audience(1)
        organizer("olga", [legal])
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/admin/mailings/alerts/new/")
    page.locator("details.alert-language").evaluate_all(
        "sections => sections.forEach(section => { section.open = true; })"
    )
    page.locator("#id_message_ar").fill("تجمع اليوم. اتصل على 312-555-0199.")

    viewport = page.evaluate("document.documentElement.clientWidth")
    edges = dict(page.evaluate(EDGES))
    assert "id_title" in edges
    assert "id_message_ar" in edges
    assert "id_title_pl" in edges
    wide = {name: right for name, right in edges.items() if right > viewport + 0.5}
    assert not wide, f"fields past the {viewport} px screen: {wide}"
    assert page.evaluate("document.querySelector('main').scrollWidth") <= viewport
