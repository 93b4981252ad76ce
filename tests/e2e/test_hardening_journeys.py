"""Journey: sign up in English, confirm from the e-mail, switch to Polish in the
preference centre, then leave with the one-click link every mailing carries."""

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

    unsubscribe = tokens.unsubscribe_url(subscriber.pk, mailing_id=1)
    page.goto(unsubscribe.replace(settings.WAGTAILADMIN_BASE_URL, live_server.url))
    assert page.locator("html").get_attribute("lang") == "pl"
    page.get_by_role("button", name=polish("Unsubscribe me")).click()
    page.get_by_role("heading", name=polish("You are unsubscribed")).wait_for()
    assert Subscription.objects.get().status == "unsubscribed"


def test_staff_sends_a_bulletin_with_its_spanish_translation_to_two_lists(
    page, live_server, home_page, tmp_path
):
    """The bulletin and its translation are built by factories (the editor's own
    screens belong to Wagtail); the mailing is composed and sent in the browser."""
    from tests.campaigns.mailing_fixtures import subscribe
    from tests.factories import SuperuserFactory, build_bulletin, translate_page
    from tests.fake_esp import FakeMailgun

    cache.clear()
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    MailingListFactory(name="Mental Health/Well-being", slug="health")
    subscribe("ana@example.org", [legal], language="es")
    subscribe("li@example.org", [outreach], language="en")
    subscribe("both@example.org", [legal, outreach], language="es")
    bulletin = build_bulletin(title="Know your rights update")
    translate_page(bulletin, "es", title="Actualización: conozca sus derechos")
    SuperuserFactory(username="staff", email="staff@ona.example.org")
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
            page.goto(f"{live_server.url}/admin/login/")
            page.get_by_label("Username").fill("staff")
            page.get_by_label("Password").fill("correct horse battery staple")
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url("**/admin/")
            page.goto(f"{live_server.url}/admin/mailings/new/?page={bulletin.pk}")
            page.get_by_label("Legal Protection/Services").check()
            page.get_by_label("Community Outreach/Education").check()
            page.get_by_role("button", name="Review the audience").click()
            page.get_by_role("button", name="Send now to 3 people").click()
            wait_for(lambda: len(fake.delivered) >= 3, timeout=90, what="the send")
    finally:
        fake.stop()
    subjects = {row.to: row.subject for row in fake.delivered}
    assert subjects == {
        "ana@example.org": "Actualización: conozca sus derechos",
        "both@example.org": "Actualización: conozca sus derechos",
        "li@example.org": "Know your rights update",
    }, "one message each, in their own language"
    spanish = next(r for r in fake.delivered if r.to == "ana@example.org")
    assert 'lang="es"' in spanish.html
