"""Every public page type in all six languages, at phone (390 px) and desktop width, in
Debian's Chromium: no sideways scroll, lang/dir right on <html> and on content that
falls back to English, and in Arabic the phone numbers read in their real order on
screen (measured from the glyphs' positions, not the markup)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from campaigns.services.petitions import record_signature, verification_token
from cms.email.rendering import render_email
from subscribers.models import MailingListTranslation, SignupPage
from subscribers.tokens import (
    make_confirm_token,
    make_preferences_token,
    make_unsubscribe_token,
)
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
    build_petition_page,
    make_subscriber,
    stream,
    translate_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["en", "es", "hi", "zh-hans", "ar", "pl"]
PHONE = "312-660-1370"
ARABIC_PARAGRAPH = f"<p>للمساعدة القانونية اتصلوا على {PHONE} اليوم.</p>"

# Everything one page load needs to know, measured in the page itself.
MEASURE = """() => {
    const root = document.documentElement;
    const content = document.querySelector('article[lang], h1[lang]');
    window.scrollTo(-100000, 0);
    const leftmost = window.scrollX;
    window.scrollTo(100000, 0);
    const rightmost = window.scrollX;
    window.scrollTo(0, 0);
    return {
        lang: root.getAttribute('lang'),
        dir: root.getAttribute('dir'),
        scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
        innerWidth: window.innerWidth,
        scrollRange: rightmost - leftmost,
        content: content && {lang: content.getAttribute('lang'),
                             dir: content.getAttribute('dir')},
    };
}"""

# The characters of an element as they appear on screen: line by line from the top,
# each line from left to right, whatever order they have in the markup.
VISUAL_ORDER = """(element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const glyphs = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (rect && rect.width > 0) {
                glyphs.push([Math.round(rect.top + rect.height / 2), rect.left, node.data[i]]);
            }
        }
    }
    // Glyphs whose middles are within a few pixels share a line.
    glyphs.sort((a, b) => (Math.abs(a[0] - b[0]) > 4 ? a[0] - b[0] : a[1] - b[1]));
    return glyphs.map((glyph) => glyph[2]).join('');
}"""


# Links in a row ("Google · Outlook.com · download"), on screen: in a right-to-left
# page each one sits left of the one before it on the same line.
LINKS_OUT_OF_ORDER = """(element) => {
    const boxes = [...element.querySelectorAll('a')].map((a) => a.getClientRects()[0]);
    const wrong = [];
    for (let i = 1; i < boxes.length; i++) {
        const [before, after] = [boxes[i - 1], boxes[i]];
        const sameLine = Math.abs(before.top - after.top) < 4;
        if (sameLine && after.left > before.left) wrong.push(i);
    }
    return wrong;
}"""

# Right-to-left rows of links, per page.
LINK_ROWS = {"event listing": [".kind-feeds li", "main p:has(a[href^='webcal'])"]}


def prefixed(language: str, path: str) -> str:
    return path if language == "en" else f"/{language}{path}"


@pytest.fixture
def site(home_page):
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    MailingListTranslation.objects.create(
        mailing_list=legal, language="ar", name="الحماية والخدمات القانونية"
    )
    event = build_event(
        build_event_index(home_page),
        title="Know Your Rights session",
        venue="A community hall in Pilsen",
        address="1 Example St, Chicago, IL 60608",
        description=f"<p>Free and confidential. Questions: {PHONE}.</p>",
        rsvp_mode="internal",
        capacity=40,
        rsvp_list=legal,
    )
    index = build_bulletin_index(home_page)
    resource = {
        "organisation": "National Immigrant Justice Center",
        "category": "legal",
        "phone": PHONE,
        "web_address": "https://www.immigrantjustice.org/a-very-long-path/for/phones",
        "description": "Free legal consultations.",
    }
    bulletin = build_bulletin(
        index,
        title="Resources for immigrants",
        slug="resources",
        summary="Who to call.",
        body=[
            ("paragraph", f"<p>Call {PHONE} for a free legal screening.</p>"),
            ("resource", resource),
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 5},
            ),
            (
                "call_to_action",
                {"text": "", "label": "RSVP", "page": event.pk, "url": ""},
            ),
        ],
    )
    update = build_bulletin(
        index,
        title="Rapid response update",
        slug="update",
        body=[("paragraph", f"<p>Call {PHONE}.</p>"), ("resource", resource)],
    )
    for language in LANGUAGES[1:]:  # every home page, as the demo has them
        translate_page(home_page, language)
    translate_page(
        update,
        "ar",
        title="تحديث عاجل",
        body=stream(
            ("paragraph", ARABIC_PARAGRAPH),
            ("resource", {**resource, "description": "استشارات مجانية."}),
        ),
    )
    from cms.models import AlertPage

    alert = AlertPage(
        title="Rally tonight",
        slug="rally",
        message=f"<p>Call {PHONE}.</p>",
        event=event,
    )
    index.add_child(instance=alert)
    alert.save_revision().publish()
    signup = home_page.add_child(
        instance=SignupPage(title="Join our lists", slug="join")
    )
    signup.save_revision().publish()
    campaign = CampaignFactory()
    campaign.default_lists.set([legal])
    petition = build_petition_page(home_page, campaign)
    petitions = {"en": petition}
    for language in LANGUAGES[1:]:
        petitions[language] = translate_page(petition, language)
    subscriber = make_subscriber("ana@example.org", language="en")
    subscriber.subscriptions.create(
        mailing_list=legal, status="confirmed", source="staff"
    )
    tokens = {
        "preferences": make_preferences_token(subscriber.pk),
        "unsubscribe": make_unsubscribe_token(subscriber.pk),
        "confirm": make_confirm_token(
            subscriber_id=subscriber.pk, list_ids=[legal.pk], page_id=None
        ),
    }
    return {
        "bulletin": bulletin,
        "update": update,
        "event": event,
        "tokens": tokens,
        "petitions": petitions,
        "verify": {
            language: verification_token(
                signature_id=record_signature(
                    page=petitions[language],
                    email=f"{language}@example.org",
                    name="Signer",
                    language=language,
                ).signature_id
            )
            for language in LANGUAGES
        },
    }


def pages_for(site, language: str) -> list[tuple[str, str, str | None]]:
    """(name, URL, language of the [data-content] element or None) for one language."""
    event = site["event"]
    tokens = site["tokens"]
    petition = site["petitions"][language]
    update_content = "ar" if language == "ar" else "en"
    return [
        ("home", prefixed(language, "/"), None),
        ("bulletin archive", prefixed(language, "/bulletins/"), None),
        ("bulletin", prefixed(language, "/bulletins/resources/"), "en"),
        (
            "translated bulletin",
            prefixed(language, "/bulletins/update/"),
            update_content,
        ),
        ("alert", prefixed(language, "/bulletins/rally/"), "en"),
        ("event listing", prefixed(language, "/events/"), None),
        ("event", prefixed(language, f"/events/{event.slug}/"), "en"),
        ("rsvp", prefixed(language, f"/events/{event.slug}/rsvp/"), None),
        ("signup", prefixed(language, "/join/"), "en"),
        (
            "preferences",
            prefixed(language, f"/subscribers/preferences/{tokens['preferences']}/"),
            None,
        ),
        (
            "unsubscribe",
            prefixed(language, f"/subscribers/unsubscribe/{tokens['unsubscribe']}/"),
            None,
        ),
        (
            "confirm",
            prefixed(language, f"/subscribers/confirm/{tokens['confirm']}/"),
            None,
        ),
        ("petition", f"{petition.url}?signed=1", language),
        ("petition widget", reverse("campaigns:embed", args=[petition.pk]), None),
        (
            "verify",
            reverse("verify_signature", args=[site["verify"][language]]),
            None,
        ),
    ]


# Where a phone number sits in right-to-left chrome or text, per page.
PHONE_SELECTORS = {
    "bulletin": ["article .resource p:has(a.phone)", "article .block-paragraph p"],
    "translated bulletin": [
        "article .resource p:has(a.phone)",
        "article .block-paragraph p",
    ],
    "event": ["article .description p"],
    "alert": ["article .message p"],
}


def visual_text(browser_page, selector: str) -> str:
    return browser_page.locator(selector).first.evaluate(VISUAL_ORDER)


WIDTHS = (390, 1280)  # a phone, a desktop: each page is measured at both


def test_every_public_page_in_six_languages_at_phone_and_desktop_width(
    open_page, live_server, site
):
    browser_page = open_page(width=WIDTHS[0], height=900)
    problems = []
    for language in LANGUAGES:
        for name, path, content_language in pages_for(site, language):
            browser_page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            response = browser_page.goto(live_server.url + path)
            if response.status != 200:
                problems.append(
                    f"{name} in {language} ({path}): HTTP {response.status}"
                )
                continue
            for width in WIDTHS:
                if width != WIDTHS[0]:  # the same page, laid out again
                    browser_page.set_viewport_size({"width": width, "height": 900})
                where = f"{name} in {language} at {width}px ({path})"
                problems += check_page(
                    browser_page, site, where, name, language, content_language
                )
    # The Arabic e-mail (a translated page, and one in English inside Arabic chrome).
    for page in (site["update"], site["bulletin"]):
        # set_content writes into the current document, which would keep the last
        # site page's Content-Security-Policy (no inline styles): a mail client has none.
        browser_page.goto("about:blank")
        browser_page.set_content(render_email(page, language="ar").html)
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 900})
            where = f"Arabic e-mail of {page.slug} at {width}px"
            found = browser_page.evaluate(MEASURE)
            if found["scrollWidth"] > found["innerWidth"] or found["dir"] != "rtl":
                problems.append(f"{where}: {found}")
            for paragraph in browser_page.locator("p", has_text="312").all():
                shown = paragraph.evaluate(VISUAL_ORDER)
                if PHONE not in shown:
                    problems.append(f"{where}: shows {shown!r}")
            calendar_rows = browser_page.locator("p:has(a[href*='calendar.google'])")
            for row in calendar_rows.all():
                if row.evaluate(LINKS_OUT_OF_ORDER):
                    problems.append(f"{where}: calendar links out of order")
            if page == site["bulletin"]:
                if not calendar_rows.count():
                    problems.append(f"{where}: no event with calendar links")
                with translation.override("ar"):
                    zone = gettext("Chicago time")
                time_row = browser_page.locator("p[dir=rtl]", has_text=zone)
                if not time_row.count():
                    problems.append(
                        f"{where}: the event's time is not its own RTL line"
                    )
    assert problems == [], "\n".join(problems)


def check_page(browser_page, site, where, name, language, content_language):
    problems = []
    found = browser_page.evaluate(MEASURE)
    if found["scrollWidth"] > found["innerWidth"] or found["scrollRange"] > 0:
        problems.append(
            f"{where}: {found['scrollWidth']}px wide in {found['innerWidth']}px"
        )
    # Phone numbers and other digit runs stay on one line ("(312) 660-" / "1370").
    broken = browser_page.evaluate(
        "[...document.querySelectorAll('.nowrap')]"
        ".filter(e => e.getClientRects().length > 1).map(e => e.textContent)"
    )
    if broken:
        problems.append(f"{where}: numbers broken across lines: {broken}")
    if name == "bulletin" and not browser_page.locator("a.phone .nowrap").count():
        problems.append(f"{where}: the resource's phone is not kept on one line")
    direction = "rtl" if language == "ar" else "ltr"
    if (found["lang"], found["dir"]) != (language, direction):
        problems.append(f"{where}: <html lang={found['lang']} dir={found['dir']}>")
    if content_language is not None:
        expected = {
            "lang": content_language,
            "dir": "rtl" if content_language == "ar" else "ltr",
        }
        if found["content"] != expected:
            problems.append(f"{where}: content {found['content']} != {expected}")
    if language == "ar":
        for selector in PHONE_SELECTORS.get(name, []):
            shown = visual_text(browser_page, selector)
            if PHONE not in shown:
                problems.append(f"{where}: {selector} shows {shown!r}")
        for selector in LINK_ROWS.get(name, []):
            for row in browser_page.locator(selector).all():
                if row.evaluate(LINKS_OUT_OF_ORDER):
                    problems.append(f"{where}: links out of order in {selector}")
        if name == "event" and "(.ics)" not in visual_text(
            browser_page, "a[href$='ical/']"
        ):
            problems.append(f"{where}: the calendar link does not show (.ics)")
        if (
            name == "petition"
            and browser_page.locator("#share-url").get_attribute("dir") != "ltr"
        ):
            problems.append(f"{where}: the copy-link box is not left to right")
    return problems


def test_the_visual_order_check_sees_a_reversed_number(open_page, live_server):
    """Guards the guard: without isolation Arabic text does reverse the number."""
    browser_page = open_page(width=390)
    browser_page.goto(live_server.url + "/static-missing/")
    browser_page.set_content(
        f'<html dir="rtl"><body><p id="bare">الهاتف: {PHONE}</p>'
        f'<p id="isolated">الهاتف: <span dir="ltr">{PHONE}</span></p></body></html>'
    )
    assert "1370-660-312" in visual_text(browser_page, "#bare")
    assert PHONE in visual_text(browser_page, "#isolated")


def test_a_cancelled_events_remove_link_shows_ics_in_arabic(
    open_page, live_server, home_page
):
    """A cancelled event offers "Remove it from my calendar (.ics)"; its Arabic words
    put "(.ics)" bare in a right-to-left line, where it read "(ics.)" on screen, as the
    "Add to my calendar (.ics)" link had until its words isolated it."""
    event = build_event(title="Lobby day", cancelled=True)
    browser_page = open_page(width=390)
    for language in LANGUAGES:
        prefix = "" if language == "en" else f"/{language}"
        browser_page.goto(f"{live_server.url}{prefix}/events/{event.slug}/")
        link = browser_page.locator(".remove-from-calendar a[href$='ical/']")
        assert link.count() == 1, language
        shown = visual_text(browser_page, ".remove-from-calendar a[href$='ical/']")
        assert "(.ics)" in shown, f"{language}: {shown!r}"
