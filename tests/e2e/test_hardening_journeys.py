"""Browser journeys of issue 8: a subscriber signs up, confirms, switches to Polish and
leaves in one click; staff write, translate and send a bulletin to two lists; an
organizer's rally alert goes out after a second organizer approves it. (The petition
journey is in test_petition.py.)"""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from cms.mail import outbox
from subscribers import tokens
from subscribers.models import SignupPage, Subscriber, Subscription
from tests.factories import MailingListFactory
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def polish(text: str) -> str:
    with translation.override("pl"):
        return gettext(text)


def test_signup_confirm_change_language_and_one_click_unsubscribe(
    page, live_server, home_page, outbox_dir, tmp_path
):
    cache.clear()
    MailingListFactory(name="Community Outreach/Education", slug="outreach")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None, var_dir=var_dir, BASE_URL=live_server.url
    )
    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "w.log"):
        page.goto(f"{live_server.url}/join/")
        page.get_by_label("Community Outreach/Education").check()
        page.get_by_label("E-mail address").fill("jan.kowalski@example.org")
        page.get_by_role("button", name="Sign up").click()
        page.get_by_text("Thank you. Please check your e-mail.").wait_for()
        (name,) = wait_for(outbox.list_messages, timeout=90, what="the confirmation")

    text, _html = outbox.body_parts(outbox.read_message(name))
    link = re.search(r"http://\S+/subscribers/confirm/\S+/", text).group(0)
    page.goto(link)
    page.get_by_role("button", name="Yes, subscribe me").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert Subscription.objects.get().status == "confirmed"

    page.get_by_role("link", name="Manage my preferences").click()
    page.get_by_label("Language for our e-mails").select_option("pl")
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_text(polish("Your choices are saved.")).wait_for()
    assert page.locator("html").get_attribute("lang") == "pl"
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "pl"

    # As the next (Polish) mailing links it: under the reader's prefix.
    unsubscribe = tokens.unsubscribe_url(
        subscriber.pk, mailing_id=1, language=subscriber.language
    )
    page.goto(unsubscribe.replace(settings.WAGTAILADMIN_BASE_URL, live_server.url))
    assert page.locator("html").get_attribute("lang") == "pl"
    page.get_by_role("button", name=polish("Unsubscribe me")).click()
    page.get_by_role("heading", name=polish("You are unsubscribed")).wait_for()
    assert Subscription.objects.get().status == "unsubscribed"


def log_in(browser_page, base_url: str, username: str) -> None:
    browser_page.goto(f"{base_url}/admin/login/")
    browser_page.get_by_label("Username").fill(username)
    browser_page.get_by_label("Password").fill("correct horse battery staple")
    browser_page.locator("form button[type=submit]").first.click()
    browser_page.wait_for_url("**/admin/")


def translate_segment(browser_page, field: str, translation: str) -> None:
    """In wagtail-localize's editor, translate the one segment under ``field`` and
    wait until the server has stored it."""
    item = browser_page.get_by_role("listitem").filter(
        has=browser_page.get_by_role("heading", name=field, exact=True)
    )
    item.get_by_role("button", name="Translate").click()
    item.get_by_role("textbox").fill(translation)
    item.get_by_role("button", name="Save").click()
    item.get_by_text("Translated manually").wait_for()


def test_staff_sends_a_bulletin_with_its_spanish_translation_to_two_lists(
    open_page, live_server, home_page, tmp_path
):
    """Staff write the bulletin in Wagtail, translate it with wagtail-localize's editor
    and send it to two lists; each reader gets it once, in their language."""
    from cms.models import BulletinPage
    from tests.campaigns.mailing_fixtures import subscribe
    from tests.factories import SuperuserFactory, build_bulletin_index
    from tests.fake_esp import FakeMailgun

    cache.clear()
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    MailingListFactory(name="Mental Health/Well-being", slug="health")
    subscribe("ana@example.org", [legal], language="es")
    subscribe("li@example.org", [outreach], language="en")
    subscribe("both@example.org", [legal, outreach], language="es")
    archive = build_bulletin_index(home_page)
    SuperuserFactory(username="staff", email="staff@ona.example.org")
    page = open_page()

    log_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/admin/pages/{archive.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.get_by_role("link", name="Bulletin", exact=True).click()
    page.get_by_role("textbox", name="Title").fill("Know your rights update")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Heading").click()
    page.get_by_role("textbox", name="text").fill("Your rights at home")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("created and published").wait_for()
    bulletin = BulletinPage.objects.get(title="Know your rights update")
    assert bulletin.live

    page.get_by_role(
        "button", name="More options for 'Know your rights update'"
    ).click()
    page.get_by_role("link", name="Translate this page").click()
    page.get_by_label("Español").check()
    page.get_by_role("button", name="Submit").click()
    page.get_by_role(
        "heading", name="English to Español (Spanish) translation"
    ).wait_for()
    assert not BulletinPage.objects.get(locale__language_code="es").live
    translate_segment(page, "Title", "Actualización: conozca sus derechos")
    translate_segment(page, "Heading", "Sus derechos en casa")
    page.get_by_role("tab", name="Promote").click()
    translate_segment(page, "Slug", "actualizacion-conozca-sus-derechos")
    page.get_by_role("button", name="Publish in Español").click()
    page.get_by_text("Published 'Actualización: conozca sus derechos'").wait_for()
    spanish = BulletinPage.objects.get(locale__language_code="es")
    assert spanish.live
    assert spanish.translation_key == bulletin.translation_key
    assert spanish.body[0].value["text"] == "Sus derechos en casa"

    fake = FakeMailgun(keep_bodies=True).start()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        BASE_URL=live_server.url,
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
    )
    try:
        with celery_worker(
            env=env, queues=["default", "bulk", "alerts"], log_path=tmp_path / "w.log"
        ):
            page.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")
            page.get_by_role("link", name="Send as mailing").click()
            page.get_by_label("Legal Protection/Services").check()
            page.get_by_label("Community Outreach/Education").check()
            page.get_by_role("button", name="Review the audience").click()
            page.get_by_role("button", name="Send now to 3 people").click()
            page.get_by_role("button", name="Yes, send now").click()
            wait_for(lambda: len(fake.delivered) >= 3, timeout=90, what="the send")
    finally:
        fake.stop()
    subjects = {row.to: row.subject for row in fake.delivered}
    assert subjects == {
        "ana@example.org": "Actualización: conozca sus derechos",
        "both@example.org": "Actualización: conozca sus derechos",
        "li@example.org": "Know your rights update",
    }, "one message each, in their own language"
    assert len(fake.delivered) == 3
    rows = {row.to: row for row in fake.delivered}
    assert 'lang="es"' in rows["ana@example.org"].html
    assert "Sus derechos en casa" in rows["both@example.org"].html
    assert "Your rights at home" in rows["li@example.org"].html
    assert "Sus derechos en casa" not in rows["li@example.org"].html


def test_organizer_sends_a_rally_alert_approved_by_a_second_organizer(
    open_page, live_server, home_page, tmp_path
):
    """An organizer writes a rally alert, staff translate it into Spanish, the
    two-person rule holds it until a second organizer approves from the link in their
    e-mail, and the alerts worker delivers one message per reader, in their language."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.mailings.models import Mailing
    from cms.models import AlertPage
    from tests.campaigns.alert_fixtures import alert_site, organizer
    from tests.campaigns.mailing_fixtures import subscribe
    from tests.factories import SuperuserFactory
    from tests.fake_esp import FakeMailgun

    cache.clear()
    alert_site(home_page)
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    legal.two_person_rule = True
    legal.save()
    subscribe("ana@example.org", [legal, outreach], language="es")
    subscribe("grace@example.org", [legal], language="en")
    subscribe("luis@example.org", [outreach], language="es")
    organizer("olga", [legal, outreach], group_name="Organizers")
    organizer("sam", [legal, outreach], group_name="Organizers")
    SuperuserFactory(username="staff", email="staff@ona.example.org")
    start = timezone.localtime(timezone.now() + timedelta(hours=3))

    fake = FakeMailgun(keep_bodies=True).start()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        BASE_URL=live_server.url,
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
    )
    try:
        with celery_worker(env=env, queues=["alerts"], log_path=tmp_path / "w.log"):
            author = open_page()
            log_in(author, live_server.url, "olga")
            author.get_by_role("link", name="Rally alert").click()
            # By id: each language has its own "Title · ..." field too (issue 13).
            author.locator("#id_title").fill("Rally at the DHS office")
            author.locator("#id_what").fill("Press conference and rally")
            author.get_by_label("When (Chicago time)").fill(
                start.strftime("%Y-%m-%dT%H:%M")
            )
            author.get_by_label("Venue").fill("Federal Plaza")
            author.get_by_label("Address", exact=True).fill("101 W Ida B Wells Dr")
            author.locator("#id_message").fill("Join us in three hours.")
            author.get_by_label("Legal Protection/Services").check()
            author.get_by_label("Community Outreach/Education").check()
            author.get_by_role("button", name="Preview the alert").click()
            send = author.get_by_role("button", name="Send the alert to 3 people")
            send.wait_for()
            mailing = Mailing.objects.get()
            assert mailing.lane == "alerts"
            assert mailing.status == "draft"

            translator = open_page()
            log_in(translator, live_server.url, "staff")
            translator.goto(f"{live_server.url}/admin/pages/{mailing.page_id}/edit/")
            translator.get_by_role("navigation", name="Actions").get_by_role(
                "button", name="Actions", exact=True
            ).click()
            translator.get_by_role("link", name="Translate this page").click()
            translator.get_by_label("Español").check()
            translator.get_by_role("button", name="Submit").click()
            translator.get_by_role(
                "heading", name="English to Español (Spanish) translation"
            ).wait_for()
            translate_segment(translator, "Title", "Manifestación en la oficina de DHS")
            translate_segment(translator, "Message", "Únase a nosotros en tres horas.")
            translator.get_by_role("button", name="Publish in Español").click()
            translator.get_by_text(
                "Published 'Manifestación en la oficina de DHS'"
            ).wait_for()
            assert AlertPage.objects.get(locale__language_code="es").live

            send.click()
            author.get_by_role("button", name="Yes, send the alert").click()
            author.get_by_text("waits for a second person's approval").wait_for()
            notices = wait_for(
                lambda: [
                    r for r in fake.delivered if r.to.endswith("staff.example.org")
                ],
                timeout=60,
                what="the approver's e-mail",
            )
            assert [notice.to for notice in notices] == ["sam@staff.example.org"]
            assert not Mailing.objects.filter(recipients_count__gt=0).exists()
            link = re.search(r"http://\S+/admin/mailings/alerts/\d+/", notices[0].text)

            approver = open_page()
            approver.goto(link.group(0))
            approver.get_by_label("Username").fill("sam")
            approver.get_by_label("Password").fill("correct horse battery staple")
            approver.locator("form button[type=submit]").first.click()
            approver.get_by_role("button", name="Approve and send").click()
            approver.get_by_role("button", name="Yes, approve and send").click()
            approver.get_by_text("Approved: the alert is on its way.").wait_for()
            wait_for(
                lambda: Mailing.objects.get(pk=mailing.pk).status == "sent",
                timeout=60,
                what="the alert to be sent",
            )
    finally:
        fake.stop()

    approvers = sorted(r.to for r in fake.delivered if r.subject.startswith("An alert"))
    assert approvers == ["sam@staff.example.org", "staff@ona.example.org"], (
        "everyone else who may send to both lists is asked, never the author"
    )
    readers = [r for r in fake.delivered if r.to.endswith("@example.org")]
    assert sorted(r.to for r in readers) == [
        "ana@example.org",
        "grace@example.org",
        "luis@example.org",
    ], "one message per reader, however many lists they are on"
    rows = {row.to: row for row in readers}
    for spanish in ("ana@example.org", "luis@example.org"):
        assert rows[spanish].subject == "Manifestación en la oficina de DHS"
        assert "Únase a nosotros en tres horas." in rows[spanish].text
        assert 'lang="es"' in rows[spanish].html
        assert "hora de Chicago" in rows[spanish].text, "the event card in Spanish"
    assert rows["grace@example.org"].subject == "Rally at the DHS office"
    assert "Join us in three hours." in rows["grace@example.org"].text
    assert "Federal Plaza" in rows["grace@example.org"].html
    mailing.refresh_from_db()
    assert mailing.approved_by.username == "sam"
    assert mailing.created_by.username == "olga"


def test_a_half_typed_end_stops_the_alert_at_the_field(
    open_page, live_server, home_page
):
    """A date typed into the end without its time is sent empty by the browser (the
    form is novalidate): the rally would have ended two hours after its start without
    a word. The form stops at the field with the browser's message, posts nothing,
    and goes on once the time is whole."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.models import AlertPage
    from tests.campaigns.alert_fixtures import alert_site, organizer

    cache.clear()
    alert_site(home_page)
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    organizer("olga", [outreach], group_name="Organizers")
    start = timezone.localtime(timezone.now() + timedelta(hours=3))
    pages_before = AlertPage.objects.count()

    author = open_page()
    log_in(author, live_server.url, "olga")
    author.get_by_role("link", name="Rally alert").click()
    form_url = author.url
    author.locator("#id_title").fill("Rally at the DHS office")
    author.locator("#id_what").fill("Press conference and rally")
    author.get_by_label("When (Chicago time)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    end = author.locator("#id_end")
    end.focus()
    author.keyboard.type(start.strftime("%m%d%Y"))  # the date, not its time
    assert end.evaluate("input => input.validity.badInput")
    author.locator("#id_message").fill("Join us in three hours.")
    author.get_by_label("Community Outreach/Education").check()
    author.get_by_role("button", name="Preview the alert").click()
    author.wait_for_timeout(1000)  # a post, had one left, would have navigated by now
    assert author.url == form_url
    assert end.evaluate("input => input.validationMessage")
    assert author.get_by_role("button", name="Send the alert to 0 people").count() == 0
    assert AlertPage.objects.count() == pages_before

    end.fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    author.get_by_role("button", name="Preview the alert").click()
    author.get_by_role("button", name=re.compile(r"^Send the alert")).wait_for()
    assert author.url != form_url


def test_a_date_typed_without_its_time_stops_the_event_editor(
    open_page, live_server, home_page
):
    """Wagtail's picker completed a typed date to midnight when the field lost focus,
    and the event was saved starting at 00:00. The editor uses the browser's picker
    (as the alert form does): a date without its time stops the save at the field; a
    whole date and time, minutes included, saves."""
    from django.utils import timezone

    from events.models import EventPage
    from tests.factories import SuperuserFactory, build_event

    cache.clear()
    event = build_event(title="Vigil")
    SuperuserFactory(username="editor")
    before = EventPage.objects.get(pk=event.pk).start

    editor = open_page()
    log_in(editor, live_server.url, "editor")
    editor.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    edit_url = editor.url
    start = editor.locator("#id_start")
    start.fill("")
    start.focus()
    editor.keyboard.type("01152031")  # the date, not its time
    assert start.evaluate("input => input.validity.badInput")
    editor.get_by_role("button", name="Save draft").click()
    editor.wait_for_timeout(1000)  # a post, had one left, would have navigated by now
    assert editor.url == edit_url
    assert start.evaluate("input => input.validationMessage")
    assert event.get_latest_revision().as_object().start == before

    start.fill("2031-01-15T18:30")
    editor.locator("#id_end").fill("2031-01-15T20:30")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save draft").click()
    assert editor.get_by_text("Give the time as well as the date.").count() == 0
    saved = EventPage.objects.get(pk=event.pk).get_latest_revision().as_object()
    assert timezone.localtime(saved.start).strftime("%Y-%m-%d %H:%M") == (
        "2031-01-15 18:30"
    )
