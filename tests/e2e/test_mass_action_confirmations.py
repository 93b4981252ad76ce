"""In a real browser: Send now, Send update and Cancel event each show a confirmation
naming the audience (per language and per list) and change nothing when dismissed;
an alert to a two-person list nobody else could approve is refused with a message
saying who could be given the right, and nothing is written."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import alerts, control
from cms.models import AlertPage
from events.models import EventPage
from tests.campaigns.alert_fixtures import alert_site, organizer, rally
from tests.campaigns.mailing_fixtures import subscribe
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import MailingListFactory, build_bulletin

pytestmark = pytest.mark.django_db(transaction=True)

AUDIENCE = "4 people in 3 languages on 2 lists"


@pytest.fixture
def world(home_page):
    with transaction.atomic():
        alert_site(home_page)
        legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
        outreach = MailingListFactory(
            name="Community Outreach/Education", slug="outreach"
        )
        subscribe("ana@example.org", [legal, outreach], language="es")
        subscribe("luis@example.org", [outreach], language="es")
        subscribe("grace@example.org", [legal], language="en")
        subscribe("wei@example.org", [outreach], language="zh-hans")
        olga = organizer("olga", [legal, outreach], group_name="Organizers")
        mailing = control.create_mailing(
            user=olga,
            page=build_bulletin(title="March bulletin"),
            list_ids=[legal.pk, outreach.pk],
        )
        alert = rally(olga, [legal.pk, outreach.pk])
        # It went out earlier (this test starts no worker): updates are now offered.
        Mailing.objects.filter(pk=alert.pk).update(status=Mailing.Status.SENT)
    return {"legal": legal, "mailing": mailing, "alert": alert}


def confirmation(browser_page, question: str):
    """The confirmation screen: its question, and its figures per language and list."""
    browser_page.get_by_role("heading", name=question).wait_for()
    per_language = browser_page.get_by_role("table", name="People per language")
    per_list = browser_page.get_by_role("table", name="People per list")
    assert per_language.get_by_role("row", name="Español (Spanish) 2").is_visible()
    assert per_language.get_by_role(
        "row", name="简体中文 (Simplified Chinese) 1"
    ).is_visible()
    assert per_list.get_by_role(
        "row", name="Community Outreach/Education 3"
    ).is_visible()
    assert per_list.get_by_role("row", name="Legal Protection/Services 2").is_visible()
    return browser_page


def test_mass_actions_confirm_and_do_nothing_when_dismissed(
    open_page, live_server, world
):
    page = open_page()
    log_in(page, live_server.url, "olga")
    mailing, alert = world["mailing"], world["alert"]

    page.goto(f"{live_server.url}/admin/mailings/{mailing.pk}/")
    page.get_by_role("button", name="Send now to 4 people").click()
    confirmation(page, f"Send it now to {AUDIENCE}?")
    page.get_by_role("link", name="No, go back").click()
    page.wait_for_url(f"**/admin/mailings/{mailing.pk}/")
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    assert not Delivery.objects.exists()

    page.goto(f"{live_server.url}/admin/mailings/alerts/{alert.pk}/")
    page.get_by_label("What changed").fill("We moved to the south entrance.")
    page.get_by_label("Venue", exact=True).fill("South entrance")
    page.get_by_role("button", name="Send update").click()
    confirmation(page, f"Send this update to {AUDIENCE}?")
    assert page.get_by_text("New venue: South entrance").is_visible()
    assert page.get_by_text("Update: Rally at the DHS office").is_visible()
    page.get_by_role("link", name="No, go back").click()
    page.wait_for_url(f"**/admin/mailings/alerts/{alert.pk}/")

    page.get_by_role("textbox", name="Message").fill("Called off: stay safe.")
    page.get_by_role("button", name="Cancel event").click()
    confirmation(page, f"Cancel the event and tell {AUDIENCE}?")
    assert page.get_by_text("Called off: stay safe.").is_visible()
    page.get_by_role("link", name="No, go back").click()
    page.wait_for_url(f"**/admin/mailings/alerts/{alert.pk}/")

    event = EventPage.objects.get()
    assert event.venue == "Federal Plaza"
    assert not event.cancelled
    assert Mailing.objects.count() == 2, "no update or cancellation was created"
    assert not Delivery.objects.exists()


def test_an_alert_nobody_else_could_approve_is_refused(open_page, live_server, world):
    with transaction.atomic():
        rapid = MailingListFactory(
            name="Rapid response", slug="rapid", two_person_rule=True
        )
        subscribe("kim@example.org", [rapid])
        solo = organizer("sol", [rapid], group_name="Rapid response desk")
        solo.first_name, solo.last_name = "Sol", "Ortiz"
        solo.save()
    events, alert_pages, mailings = (
        EventPage.objects.count(),
        AlertPage.objects.count(),
        Mailing.objects.count(),
    )
    page = open_page()
    log_in(page, live_server.url, "sol")

    page.get_by_role("link", name="Rally alert").click()
    rapid_box = page.get_by_label("Rapid response")
    assert "nobody else may give it yet" in rapid_box.locator("xpath=..").inner_text()
    # The organizer's own fields (each also has a copy per language beside it).
    page.locator("#id_title").fill("Vigil at City Hall")
    page.locator("#id_what").fill("Candlelight vigil")
    start = timezone.localtime(timezone.now() + timedelta(hours=3))
    page.get_by_label("When (Chicago time)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_message").fill("Join us tonight.")
    rapid_box.check()
    page.get_by_role("button", name="Preview the alert").click()

    refusal = page.get_by_role("alert").filter(has_text="Nobody else may approve")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "“Rapid response”" in text
    assert "(Rapid response desk)" in text, "the group that may send to it"
    assert "olga" in text, "someone with admin access who could be given the right"
    assert "An administrator" in text, "and who can give it"
    assert EventPage.objects.count() == events
    assert AlertPage.objects.count() == alert_pages
    assert Mailing.objects.count() == mailings


def test_an_organizer_on_a_phone_gets_whole_tap_targets(open_page, live_server, world):
    """At 390 px the alert's actions and their confirmation are 44 px high."""
    legal = world["legal"]
    with transaction.atomic():
        draft = alerts.create_rally_alert(
            user=organizer("omar", [legal]),
            title="Vigil at City Hall",
            what="A quiet vigil",
            start=timezone.now() + timedelta(hours=4),
            venue="City Hall",
            message="Come in two hours. Questions: 312-744-1906.",
            list_ids=[legal.pk],
        )
    page = open_page(width=390, height=844)
    log_in(page, live_server.url, "omar")
    page.goto(f"{live_server.url}/admin/mailings/alerts/{draft.pk}/")
    for name in ("Send the alert to 2 people", "Discard this alert"):
        assert page.get_by_role("button", name=name).bounding_box()["height"] >= 44
    page.get_by_role("button", name="Send the alert to 2 people").click()
    page.get_by_role("link", name="No, go back").wait_for()
    assert page.get_by_role("link", name="No, go back").bounding_box()["height"] >= 44
    confirm = page.locator("form.tap-actions button[type=submit]")
    assert confirm.bounding_box()["height"] >= 44
    # What goes out, in the organizer's words: the phone number on one line.
    number = page.locator(".confirm-outgoing .nowrap", has_text="312-744-1906")
    assert number.evaluate("e => e.getClientRects().length") == 1
    assert Mailing.objects.get(pk=draft.pk).status == Mailing.Status.DRAFT

    sender = open_page(width=390, height=844)
    log_in(sender, live_server.url, "olga")
    sender.goto(f"{live_server.url}/admin/mailings/{world['mailing'].pk}/")
    send = sender.get_by_role("button", name="Send now to 4 people")
    assert send.bounding_box()["height"] >= 44
    assert sender.evaluate("document.documentElement.scrollWidth") <= 390
