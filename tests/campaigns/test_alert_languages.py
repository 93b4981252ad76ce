"""Alerts in six languages on the one screen: the organizer writes once, a machine
translator (a loopback LibreTranslate behind wagtail-localize's own LibreTranslator)
drafts the other languages in one click, and a real worker delivers each reader theirs."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.mailings.alert_forms import sign_machine_draft
from campaigns.mailings.models import Mailing, MailingRendition
from cms.machine_translation import machine_mark
from cms.mail import outbox
from cms.models import AlertPage
from subscribers.models import Subscriber
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.fake_libretranslate import PHRASEBOOK, FakeLibreTranslate
from tests.workers import celery_worker, wait_for, worker_env

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TITLE = "Rally at Federal Plaza"
WHAT = "Stand with our neighbors."
MESSAGE = "Join us in three hours. Call 312-660-1370 for legal help."
POLISH_BY_HAND = "Przyjdźcie za trzy godziny! Pomoc prawna: 312-660-1370."


class FormValues(HTMLParser):
    """The values a browser would submit from the page's form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "submit":
                return
            self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:
                value = self.values[self._textarea][-1]
                self.values[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None


def form_values(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    return {
        k: v if len(v) > 1 or k == "lists" else v[0] for k, v in parser.values.items()
    }


def expected(text: str, language: str) -> str:
    code = language.split("-")[0]
    return text if language == "en" else PHRASEBOOK[text][code]


@pytest.fixture
def libretranslate(settings):
    fake = FakeLibreTranslate(api_key="office-key").start()
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = fake.settings()
    yield fake
    fake.stop()


@pytest.mark.django_db(transaction=True)
def test_organizer_sends_a_rally_alert_in_six_languages_with_a_machine_draft(
    client, home_page, outbox_dir, tmp_path, libretranslate
):
    alert_site(home_page)
    (outreach,) = lists(1)
    for language in LANGUAGES:
        subscribe(f"reader-{language}@example.org", [outreach], language=language)
    client.force_login(organizer("olga", [outreach]))
    url = reverse("campaigns_mailings:rally_alert")
    start = timezone.localtime(timezone.now() + timedelta(hours=3))

    screen = client.get(url).content.decode()
    assert "Draft the empty languages with LibreTranslate" in screen
    drafted = client.post(
        url,
        {
            "action": "translate",
            "title": TITLE,
            "what": WHAT,
            "message": MESSAGE,
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "venue": "Federal Plaza",
            "address": "230 S Dearborn St",
            "lists": [outreach.pk],
            "machine_note": "on",
        },
    )
    assert drafted.status_code == 200
    assert Mailing.objects.count() == 0, "a draft saves nothing"
    values = form_values(drafted.content.decode())
    for language in LANGUAGES[1:]:
        assert values[f"title_{language}"] == expected(TITLE, language)
        assert values[f"message_{language}"] == expected(MESSAGE, language)
        assert values[f"machine_{language}"], "signed as the machine's words"
    assert {r.target for r in libretranslate.requests} == {"es", "hi", "zh", "ar", "pl"}
    assert {r.api_key for r in libretranslate.requests} == {"office-key"}
    assert all(r.source == "en" for r in libretranslate.requests)

    values["message_pl"] = POLISH_BY_HAND  # a person corrects the Polish draft
    created = client.post(url, values)
    mailing = Mailing.objects.get()
    assert created["Location"] == reverse("campaigns_mailings:alert", args=[mailing.pk])

    report = client.get(created["Location"]).content.decode()
    for name in ("Español (Spanish)", "العربية (Arabic)", "Polski (Polish)"):
        assert name in report
    assert report.count("machine translation (LibreTranslate)") == 4, "es hi zh ar"

    # Without Redis the web process publishes into var/broker, so the worker reads there.
    var_dir = tmp_path / "var" if settings.REDIS_URL else Path(settings.VAR_DIR)
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)
    with celery_worker(
        env=env, queues=["alerts"], log_path=tmp_path / "worker.log", ready_timeout=120
    ):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
        wait_for(
            lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT,
            timeout=90,
            what="the alert to be sent",
        )

    renditions = {
        r.language: r for r in MailingRendition.objects.filter(mailing=mailing)
    }
    assert sorted(renditions) == sorted(LANGUAGES)
    assert {code for code, r in renditions.items() if r.machine_tool} == {
        "es",
        "hi",
        "zh-hans",
        "ar",
    }
    received = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        language = Subscriber.objects.with_email(message["To"]).get().language
        received[language] = (message, *outbox.body_parts(message))
    assert sorted(received) == sorted(LANGUAGES), "one message per reader"
    for language, (message, text, html) in received.items():
        direction = "rtl" if language == "ar" else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in html
        # Unfolded: a long encoded header may come back with folding whitespace.
        assert " ".join(message["Subject"].split()) == expected(TITLE, language)
        body = POLISH_BY_HAND if language == "pl" else expected(MESSAGE, language)
        assert body.split("312-660-1370")[0] in text, language
        with translation.override(language):
            when, coming = (
                translation.gettext("When") + translation.gettext(":"),
                translation.gettext("I'm coming"),
            )
            note = translation.gettext(
                "This message was translated by machine (%(tool)s) and may contain "
                "mistakes."
            ) % {"tool": "LibreTranslate"}
        assert when in html, "the event card is in the reader's language"
        assert coming in html
        machine = language in ("es", "hi", "zh-hans", "ar")
        assert (note in html) is machine, language
        assert (note in text) is machine, language
        assert f"/{language}/" in html or language == "en"
    arabic_html = received["ar"][2]
    assert (
        '<span class="nowrap" dir="ltr" style="white-space: nowrap;">312-660-1370</span>'
        in arabic_html
    )
    assert "\u2066312-660-1370\u2069" in received["ar"][1]
    assert "office-key" not in (tmp_path / "worker.log").read_text()


@pytest.mark.django_db
def test_without_a_translator_the_form_says_so_and_still_takes_six_languages(
    client, home_page, settings
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
    alert_site(home_page)
    (outreach,) = lists(1)
    client.force_login(organizer("omar", [outreach]))
    url = reverse("campaigns_mailings:rally_alert")

    screen = client.get(url).content.decode()
    assert 'id="no-translator"' in screen
    assert 'name="message_ar" lang="ar" dir="rtl"' in screen or (
        'name="message_ar"' in screen and 'lang="ar"' in screen
    )
    refused = client.post(url, {"action": "translate", "message": MESSAGE})
    assert "No machine translator is configured." in refused.content.decode()

    start = timezone.localtime(timezone.now() + timedelta(hours=3))
    response = client.post(
        url,
        {
            "title": TITLE,
            "what": WHAT,
            "message": MESSAGE,
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "lists": [outreach.pk],
            "title_ar": "مسيرة في فيدرال بلازا",
            "message_ar": "انضموا إلينا. اتصلوا على 312-660-1370.",
            # A forged "machine" token must not mark a person's words.
            "machine_ar": sign_machine_draft({"title": "x"}, "LibreTranslate"),
        },
    )
    assert response.status_code == 302
    alert = Mailing.objects.get().page.specific
    arabic = AlertPage.objects.get(
        translation_key=alert.translation_key, locale__language_code="ar"
    )
    assert arabic.live
    assert arabic.title == "مسيرة في فيدرال بلازا"
    assert machine_mark(arabic) is None
    event = arabic.event.get_translation_or_none(arabic.locale)
    assert event is not None, "the rally's event page is translated too"
    assert event.title == "مسيرة في فيدرال بلازا"
    assert event.live


@pytest.mark.django_db
def test_translator_failure_is_a_clear_message_not_a_500(client, home_page, settings):
    fake = FakeLibreTranslate().start()
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = fake.settings()
    fake.state.fail_status = 500
    try:
        alert_site(home_page)
        (outreach,) = lists(1)
        client.force_login(organizer("sam", [outreach]))
        response = client.post(
            reverse("campaigns_mailings:rally_alert"),
            {"action": "translate", "title": TITLE, "message": MESSAGE},
        )
    finally:
        fake.stop()
    assert response.status_code == 200
    assert "LibreTranslate did not answer." in response.content.decode()
    assert fake.requests, "the translator was asked"


def update_in(home_page, language: str, translation: dict, message: str):
    """An organizer's rally alert with one hand-written translation, then an update
    with ``message``: the update's page in ``language``."""
    from campaigns.mailings.services import alerts

    alert_site(home_page)
    (outreach,) = lists(1)
    user = organizer("olga", [outreach])
    mailing = alerts.create_rally_alert(
        user=user,
        title=TITLE,
        what=WHAT,
        start=timezone.now() + timedelta(hours=3),
        message=MESSAGE,
        list_ids=[outreach.pk],
        translations={language: {"what": "", "machine_tool": "", **translation}},
    )
    update = alerts.send_update(user=user, mailing_id=mailing.pk, message=message)
    return AlertPage.objects.get(
        translation_key=update.page.translation_key, locale__language_code=language
    )


@pytest.mark.django_db
def test_an_update_in_an_earlier_language_marks_the_organizers_words_as_english(
    home_page,
):
    arabic = update_in(
        home_page,
        "ar",
        {"title": "مسيرة", "message": "انضموا إلينا."},
        message="Moved to 7.",
    )

    assert arabic.title == "مسيرة"
    assert arabic.message == '<div lang="en" dir="ltr"><p>Moved to 7.</p></div>'
    html = render_email_for(arabic)
    assert '<div lang="en" dir="ltr">' in html


def render_email_for(page) -> str:
    from cms.email.rendering import render_email

    return render_email(page, language="ar").html


@pytest.mark.django_db
def test_an_update_written_in_arabic_reads_right_to_left_in_every_translation(
    home_page,
):
    """Organizers write in Arabic too: their words were marked English, left to right,
    in every translation (noticed while fixing the guest e-mails' direction)."""
    spanish = update_in(
        home_page,
        "es",
        {"title": "Marcha", "message": "Únase."},
        message="نلتقي في 7.",
    )

    assert spanish.message == '<div dir="rtl"><p>نلتقي في 7.</p></div>'
