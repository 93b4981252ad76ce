"""Bulletin and event pages in English and Arabic in headless Chromium, checked by axe-core.

axe.min.js is vendored (tests/e2e/vendor, MPL-2.0): nothing is downloaded at test time.
"""

from pathlib import Path

import pytest

from tests.factories import build_bulletin, build_event, translate_page

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def serious_violations(page) -> list[dict]:
    # Evaluated by the browser's debugger protocol, not as a <script> element: the
    # site's Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], "
        # WCAG 2.2's target size (24 px, or spaced apart), which axe leaves off
        # unless asked: tapped on a phone, a link too near another opens the wrong one.
        "rules: {'target-size': {enabled: true}}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def pages(home_page):
    event = build_event(
        title="Press conference and rally",
        kind="press_conference",
        venue="Department of Homeland Security Office",
        address="525 W Van Buren St",
        organisers="Arab American Action Network",
        description="<p>Continue the resistance.</p>",
        rsvp_mode="internal",
        capacity=50,
    )
    bulletin = build_bulletin(
        title="Important resources and news for immigrants",
        summary="Refugee ban remains blocked.",
        body=[
            ("heading", {"text": "News", "level": "h2"}),
            (
                "paragraph",
                '<p>Read the <a href="https://example.org/">toolkit</a>.</p>',
            ),
            (
                "news_item",
                {
                    "title": "Refugee ban remains blocked",
                    "summary": "The court upheld the order.",
                    "link": "https://immigrantjustice.org/",
                },
            ),
            (
                "resource",
                {
                    "organisation": "National Immigrant Justice Center",
                    "category": "legal",
                    "phone": "312-660-1370",
                    "web_address": "https://www.immigrantjustice.org/",
                    "description": "Free legal consultations.",
                },
            ),
            (
                "call_to_action",
                {"text": "", "label": "RSVP", "page": event.pk, "url": ""},
            ),
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 5},
            ),
            (
                "quote",
                {"quote": "Chicago is here for you.", "attribution": "The Mayor"},
            ),
            ("divider", None),
        ],
    )
    arabic_event = translate_page(event, "ar", title="مؤتمر صحفي ومسيرة")
    arabic_bulletin = translate_page(
        bulletin, "ar", title="موارد وأخبار مهمة للمهاجرين"
    )
    return {
        "bulletin-en": (bulletin.url, "ltr"),
        "bulletin-ar": (arabic_bulletin.url, "rtl"),
        "event-en": (event.url, "ltr"),
        "event-ar": (arabic_event.url, "rtl"),
        "events-ar": (arabic_event.get_parent().url, "rtl"),
        "search-ar": ("/ar/search/?q=%D9%85%D8%B3%D9%8A%D8%B1%D8%A9", "rtl"),
        "home-en": ("/", "ltr"),
    }


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    "name",
    [
        "bulletin-en",
        "bulletin-ar",
        "event-en",
        "event-ar",
        "events-ar",
        "search-ar",
        "home-en",
    ],
)
def test_page_has_no_serious_accessibility_violations(
    page, live_server, pages, name, width
):
    path, direction = pages[name]
    page.set_viewport_size({"width": width, "height": 844})

    response = page.goto(f"{live_server.url}{path}")

    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_the_axe_check_does_report_violations(page, live_server):
    """Guards the guard: a page with known faults must fail the same check."""
    page.goto(f"{live_server.url}/static-missing/")
    page.set_content(
        '<html><body><img src="data:,"><a href="/x"></a>'
        '<p style="color:#eee;background:#fff">faint</p>'
        '<div style="font-size:8px"><a href="/a" style="display:block;height:10px">a</a>'
        '<a href="/b" style="display:block;height:10px">b</a></div></body></html>'
    )
    found = {violation["id"] for violation in serious_violations(page)}
    assert {"image-alt", "link-name", "html-has-lang", "target-size"} <= found
