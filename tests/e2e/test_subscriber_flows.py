"""A person signs up in Spanish on a phone, confirms from the e-mail, changes lists,
then leaves with one click; the Arabic signup page reads right to left."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from wagtail.models import Locale

from cms.mail import outbox
from subscribers import tokens
from subscribers.models import SignupPage, Subscription
from tests.factories import MailingListFactory
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def translated_signup_page(home_page, code: str) -> SignupPage:
    page = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    page.save_revision().publish()
    translation = page.copy_for_translation(
        Locale.objects.get(language_code=code), copy_parents=True
    )
    translation.save_revision().publish()
    return translation


def test_spanish_signup_confirm_preferences_and_one_click_unsubscribe(
    page, live_server, home_page, outbox_dir, tmp_path
):
    cache.clear()
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    health = MailingListFactory(name="Mental Health/Well-being", slug="health")
    translated_signup_page(home_page, "es")
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None, var_dir=var_dir, BASE_URL=live_server.url
    )

    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "w.log"):
        page.goto(f"{live_server.url}/es/join/")
        assert page.locator("html").get_attribute("lang") == "es"
        page.get_by_label("Legal Protection/Services").check()
        page.get_by_label("Correo electrónico").fill("ana.morales@example.org")
        assert page.get_by_label("Idioma de nuestros correos").input_value() == "es"
        page.get_by_role("button", name="Inscribirme").click()
        page.get_by_text("Gracias. Revise su correo electrónico.").wait_for()
        (name,) = wait_for(outbox.list_messages, timeout=90, what="the confirmation")

    message = outbox.read_message(name)
    assert message["Subject"] == "Por favor, confirme su suscripción"
    text, _html = outbox.body_parts(message)
    link = re.search(r"http://\S+/es/subscribers/confirm/\S+/", text).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    assert Subscription.objects.get().status == "pending", (
        "opening the link is not enough"
    )
    page.get_by_role("button", name="Sí, suscríbanme").click()
    page.get_by_role("heading", name="Ya está suscrito").wait_for()
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed"

    page.get_by_role("link", name="Gestionar mis preferencias").click()
    page.get_by_role("heading", name="Sus preferencias").wait_for()
    page.get_by_label("Legal Protection/Services").uncheck()
    page.get_by_label("Mental Health/Well-being").check()
    page.get_by_role("button", name="Guardar mis preferencias").click()
    page.get_by_text("Sus preferencias se guardaron.").wait_for()
    statuses = dict(Subscription.objects.values_list("mailing_list_id", "status"))
    assert statuses == {legal.pk: "unsubscribed", health.pk: "confirmed"}

    # As a Spanish mailing links it: under the reader's prefix.
    unsubscribe = tokens.unsubscribe_url(
        subscription.subscriber_id, mailing_id=1, language="es"
    )
    unsubscribe = unsubscribe.replace(settings.WAGTAILADMIN_BASE_URL, live_server.url)
    page.goto(unsubscribe)
    page.get_by_role("heading", name="Darse de baja").wait_for()
    assert Subscription.objects.get(mailing_list=health).status == "confirmed"
    # The button posts a form without a CSRF token, as RFC 8058 clients do.
    page.get_by_role("button", name="Darme de baja").click()
    page.get_by_role("heading", name="Se ha dado de baja").wait_for()
    assert set(Subscription.objects.values_list("status", flat=True)) == {
        "unsubscribed"
    }


def test_arabic_signup_page_renders_right_to_left(page, live_server, home_page):
    MailingListFactory(name="Legal Protection/Services", slug="legal")
    arabic = translated_signup_page(home_page, "ar")
    arabic.title = "انضم إلى قوائمنا"
    arabic.save_revision().publish()

    page.goto(f"{live_server.url}/ar/join/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").inner_text() == "انضم إلى قوائمنا"
    assert page.get_by_role("button", name="اشترك").is_visible()
    assert page.get_by_label("عنوان البريد الإلكتروني").is_visible()
