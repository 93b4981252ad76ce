"""Public flows through the test client: signup, confirm, unsubscribe, preferences."""

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale

from cms.mail import outbox
from subscribers import tokens
from subscribers.models import (
    SignupPage,
    SignupRequest,
    Subscriber,
    Subscription,
    Suppression,
)
from subscribers.tasks import send_confirmation_task
from tests.factories import MailingListFactory, make_subscriber
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def lists():
    return [
        MailingListFactory(name="Legal Protection/Services", slug="legal"),
        MailingListFactory(name="Community Outreach/Education", slug="outreach"),
    ]


@pytest.fixture
def signup_page(home_page, lists):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


def form_data(offered, **overrides):
    data = {
        "email": "ana@example.org",
        "name": "Ana",
        "zip_code": "60608",
        "language": "es",
        "lists": [offered[0].pk],
        "website": "",
    }
    data.update(overrides)
    return data


def run_queued(callbacks):
    """Run the tasks queued on commit in this process, as a worker would."""
    for callback in callbacks:
        callback()


def test_signup_stores_pending_and_queues_confirmation(
    client, signup_page, lists, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        send_confirmation_task, "delay", lambda *args: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_page.url, form_data(lists))
        run_signup_requests()
    assert response.status_code == 200
    assert "check your e-mail" in response.content.decode()
    subscriber = Subscriber.objects.with_email("ana@example.org").get()
    assert subscriber.language == "es"
    assert list(subscriber.subscriptions.values_list("status", flat=True)) == [
        "pending"
    ]
    assert queued == [(subscriber.pk, [lists[0].pk], signup_page.pk, "es")]


def test_same_answer_for_known_unknown_and_suppressed(client, signup_page, lists):
    Suppression.objects.create(
        email_hash=Subscriber.for_email("gone@example.org").email_hash,
        reason="complaint",
    )
    make_subscriber("known@example.org")
    bodies = {
        client.post(signup_page.url, form_data(lists, email=email)).content
        for email in ("new@example.org", "known@example.org", "gone@example.org")
    }
    assert len(bodies) == 1
    assert run_signup_requests() == 3
    assert not Subscriber.objects.with_email("gone@example.org").exists()


@pytest.mark.parametrize(
    "look_alike",
    [
        "gone@\uff45xample.org",  # a full-width e the sender folds
        "GONE@EXAMPLE.ORG ",
    ],
)
def test_an_erased_address_written_another_way_is_still_suppressed(
    client, signup_page, lists, look_alike, django_capture_on_commit_callbacks
):
    """Mail to these reaches gone@example.org (the domain goes out in its IDNA
    form), so they are that address: no confirmation, no subscriber."""
    Suppression.objects.create(
        email_hash=Subscriber.for_email("gone@example.org").email_hash,
        reason="erased",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_page.url, form_data(lists, email=look_alike))
        run_signup_requests()
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_resigning_never_duplicates(client, signup_page, lists):
    for _ in range(3):
        client.post(
            signup_page.url, form_data(lists, lists=[item.pk for item in lists])
        )
    assert run_signup_requests() == 3
    assert Subscriber.objects.count() == 1
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"email": "ana@ex\u202eample.org"}, "email"),  # right-to-left override
        ({"email": "ana\u200b@example.org"}, "email"),  # zero-width space
        ({"email": "gone@exa\u2066mple.org"}, "email"),  # a bidi isolate
        ({"name": "Ana\r\nBcc: x@example.org"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"lists": [999999]}, "lists"),
        ({"lists": ["nope"]}, "lists"),
        ({"lists": []}, "lists"),
        ({"zip_code": "ABCDE"}, "zip_code"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_input_is_a_400_in_the_users_language_and_stores_nothing(
    client, home_page, signup_page, lists, overrides, field
):
    spanish = signup_page.copy_for_translation(
        Locale.objects.get(language_code="es"), copy_parents=True
    )
    spanish.save_revision().publish()
    response = client.post(spanish.url, form_data(lists, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'lang="es"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_honeypot_answers_the_same_and_stores_nothing(client, signup_page, lists):
    response = client.post(signup_page.url, form_data(lists, website="http://spam"))
    assert response.status_code == 200
    assert "check your e-mail" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "filled", ["x" * 201, "http://spam.example/" + "a" * 5000, "spam\x00", "\x00"]
)
def test_any_filled_honeypot_gets_the_pretend_success(
    client, signup_page, lists, filled
):
    """A honeypot over its 200 characters (or with a NUL) got the form's 400, with
    an error on the hidden field: the bot learnt it was caught, and how."""
    human = client.post(signup_page.url, form_data(lists, email="h@example.org"))
    bot = client.post(signup_page.url, form_data(lists, website=filled))
    assert bot.status_code == human.status_code == 200
    assert "check your e-mail" in bot.content.decode()
    asked = client.post("/subscribers/new-link/", {"email": "a@example.org"})
    caught = client.post(
        "/subscribers/new-link/", {"email": "a@example.org", "website": filled}
    )
    assert caught.status_code == asked.status_code == 200
    assert caught.content == asked.content
    assert SignupRequest.objects.count() == 1, "the human's signup alone is kept"


def test_csrf_is_required_on_signup(signup_page, lists):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(signup_page.url, form_data(lists))
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_per_ip_limit(client, signup_page, lists, rate_limit):
    rate_limit("signup.client", "3/1h")
    codes = [
        client.post(
            signup_page.url, form_data(lists, email=f"p{n}@example.org")
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert run_signup_requests() == 3
    assert Subscriber.objects.count() == 3


def test_per_address_limit_is_silent(client, signup_page, lists, rate_limit):
    rate_limit("signup.address", "2/1h")
    for list_ in lists:
        client.post(signup_page.url, form_data(lists, lists=[list_.pk]))
    third = client.post(signup_page.url, form_data(lists, lists=[lists[0].pk]))
    assert third.status_code == 200
    assert run_signup_requests() == 2
    assert Subscription.objects.count() == 2


def test_confirmation_email_is_in_spanish_and_confirms(
    client, signup_page, lists, outbox_dir
):
    from subscribers import services

    subscriber = services.request_signup(
        email="ana@example.org",
        language="es",
        list_ids=[lists[0].pk],
        source="signup",
        page_id=signup_page.pk,
    )
    services.send_confirmation(
        subscriber_id=subscriber.pk,
        list_ids=[lists[0].pk],
        page_id=signup_page.pk,
        language="es",
    )
    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    assert message["Subject"] == "Por favor, confirme su suscripción"
    text, html = outbox.body_parts(message)
    link = re.search(r"http://\S+/confirm/\S+/", text).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    assert path.startswith("/es/subscribers/confirm/")

    page = client.get(path)
    assert page.status_code == 200
    assert Subscription.objects.get().status == "pending", "GET changes nothing"
    done = client.post(path)
    assert (done.status_code, done["Location"]) == (303, path)
    subscription = Subscription.objects.get()
    assert subscription.status == "confirmed"
    assert subscription.consented_at is not None


def test_confirm_link_expired_and_tampered(client, settings, lists):
    subscriber = make_subscriber("ana@example.org")
    token = tokens.make_confirm_token(
        subscriber_id=subscriber.pk, list_ids=[lists[0].pk], page_id=None
    )
    assert client.get(f"/subscribers/confirm/{token}x/").status_code == 400
    settings.SUBSCRIBERS_CONFIRM_MAX_AGE = -1
    expired = client.get(f"/es/subscribers/confirm/{token}/")
    assert expired.status_code == 410
    assert "caducado" in expired.content.decode()


def test_one_click_unsubscribe_get_changes_nothing_post_needs_no_csrf(lists):
    from django.test import Client

    subscriber = make_subscriber("ana@example.org", language="ar")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists[0],
        status="confirmed",
        source="import",
    )
    url = tokens.unsubscribe_url(
        subscriber.pk, mailing_id=7, language=subscriber.language
    )
    path = url.removeprefix("http://127.0.0.1:8000")
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    assert Subscription.objects.get().status == "confirmed"

    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert Subscription.objects.get().status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=subscriber.email_hash).exists()
    assert client.post(path).status_code == 200, "idempotent"


def test_unsubscribe_token_cannot_be_replayed_for_someone_else(client, lists):
    ana = make_subscriber("ana@example.org")
    luis = make_subscriber("luis@example.org")
    token = tokens.make_unsubscribe_token(ana.pk, 3)
    _ids, signature = token.rsplit(".", 1)
    for forged in (f"{luis.pk}.3.{signature}", f"{ana.pk}.4.{signature}"):
        response = client.post(f"/subscribers/unsubscribe/{forged}/")
        assert response.status_code == 400
    assert not Suppression.objects.exists()
    assert "ana" not in token
    assert "@" not in token


def test_preferences_change_lists_language_and_download(client, lists):
    subscriber = make_subscriber("ana@example.org", language="en", name="Ana")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists[0],
        status="confirmed",
        source="import",
    )
    path = tokens.preferences_url(subscriber.pk).removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"action": "save", "language": "pl", "lists": [lists[1].pk]}
    )
    # The English address (no prefix) would show English on a reload: the page
    # moves to the Polish one, whose switcher offers the others, English included.
    token = path.split("/")[-2]
    assert response.status_code == 303
    assert response["Location"] == f"/pl/subscribers/preferences/{token}/?saved=1"
    response = client.get(f"/pl/subscribers/preferences/{token}/")
    assert 'lang="pl"' in response.content.decode()
    switcher = response.content.decode().split('class="language-switcher"')[1]
    assert f'href="/es/subscribers/preferences/{token}/"' in switcher
    english = f"/subscribers/preferences/{token}/?language=en"
    assert f'href="{english}"' in switcher
    assert '<html lang="en"' in client.get(english).content.decode()
    statuses = dict(Subscription.objects.values_list("mailing_list__slug", "status"))
    assert statuses == {"legal": "unsubscribed", "outreach": "confirmed"}
    assert Subscriber.objects.get().language == "pl"

    mailed = tokens.mailed_preferences_url(subscriber.pk, generation=0)
    download = client.post(
        mailed.removeprefix("http://127.0.0.1:8000"), {"action": "download"}
    )
    data = json.loads(download.content)
    assert download["Content-Disposition"].startswith("attachment")
    assert data["subscriber"]["email"] == "ana@example.org"
    assert {row["list"] for row in data["subscriptions"]} == {
        "Legal Protection/Services",
        "Community Outreach/Education",
    }


@pytest.mark.parametrize(
    "opened_at",
    [
        "/es/subscribers/preferences/{token}/",
        "/subscribers/preferences/{token}/?language=es",
    ],
)
def test_a_new_language_moves_the_preferences_page_to_its_address(
    client, lists, opened_at
):
    """Opened under /es/ (the Spanish e-mail's link), a save in Arabic answered in
    Arabic at the Spanish address: a reload or a bookmark showed Spanish again."""
    subscriber = make_subscriber("ana@example.org", language="es")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists[0],
        status="confirmed",
        source="import",
    )
    token = tokens.make_preferences_token(subscriber.pk)
    path = opened_at.format(token=token)
    response = client.post(
        path, {"action": "save", "language": "ar", "lists": [lists[0].pk]}
    )
    assert response.status_code == 303
    assert response["Location"] == f"/ar/subscribers/preferences/{token}/?saved=1"
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    with translation.override("ar"):
        assert translation.gettext("Your choices are saved.") in page
    assert Subscriber.objects.get().language == "ar"

    # English has no prefix: its address names it.
    response = client.post(
        f"/ar/subscribers/preferences/{token}/",
        {"action": "save", "language": "en", "lists": []},
    )
    english = f"/subscribers/preferences/{token}/?language=en&saved=1"
    assert response["Location"] == english
    page = client.get(english).content.decode()
    assert '<html lang="en"' in page
    assert "Your choices are saved." in page
    assert Subscription.objects.get().status == "unsubscribed"


def test_preferences_erase_leaves_only_a_hashed_suppression(client, lists):
    subscriber = make_subscriber("ana@example.org", name="Ana")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists[0],
        status="confirmed",
        source="import",
    )
    path = tokens.mailed_preferences_url(subscriber.pk, generation=0).removeprefix(
        "http://127.0.0.1:8000"
    )
    refused = client.post(path, {"action": "erase"})
    assert refused.status_code == 400
    assert Subscriber.objects.exists()
    erased = client.post(path, {"action": "erase", "confirm": "on"})
    assert erased.status_code == 303
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert list(Suppression.objects.values_list("reason", flat=True)) == ["erased"]
    assert client.get(path).status_code == 410


def test_bad_preference_actions_and_tokens(client, lists):
    subscriber = make_subscriber("ana@example.org")
    path = tokens.preferences_url(subscriber.pk).removeprefix("http://127.0.0.1:8000")
    assert client.post(path, {"action": "drop-tables"}).status_code == 400
    assert client.post(path, {"action": "save", "lists": ["x"]}).status_code == 400
    assert client.get("/subscribers/preferences/1.AAAA/").status_code == 400
    assert client.get("/subscribers/unsubscribe/garbage/").status_code == 400
    assert not mail.outbox


def test_signups_are_stored_when_the_rate_limit_cache_is_down(
    client, signup_page, lists, settings
):
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "cms.cache.FailSoftRedisCache"
    settings.CACHES = {
        alias: {
            "BACKEND": "cms.cache.FailSoftRedisCache",
            # Nothing listens on port 1: every cache call fails to connect.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
        for alias in ("default", "ratelimit")
    }
    response = client.post(signup_page.url, form_data(lists))
    assert response.status_code == 200
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.with_email("ana@example.org").exists()


def test_token_pages_fall_back_to_accept_language(client):
    response = client.get(
        "/subscribers/unsubscribe/garbage/", HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5"
    )
    assert response.status_code == 400
    assert "Ten link jest nieprawidłowy" in response.content.decode()
    prefixed = client.get("/zh-hans/subscribers/unsubscribe/garbage/")
    assert "此链接无效" in prefixed.content.decode()


def test_unsubscribe_page_uses_the_subscribers_language(client, lists):
    """Through the link's prefix (as mailed): without one the page answers in
    English whoever's link it is (test_link_language_oracle)."""
    subscriber = make_subscriber("ana@example.org", language="hi")
    url = tokens.unsubscribe_url(subscriber.pk, language=subscriber.language)
    body = client.get(url.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert 'lang="hi"' in body
    assert "मेरी सदस्यता समाप्त करें" in body


def test_confirm_and_preferences_forms_need_csrf(lists):
    from django.test import Client

    subscriber = make_subscriber("ana@example.org")
    Subscription.objects.create(
        subscriber=subscriber, mailing_list=lists[0], status="pending", source="signup"
    )
    strict = Client(enforce_csrf_checks=True)
    confirm = "/subscribers/confirm/{}/".format(
        tokens.make_confirm_token(
            subscriber_id=subscriber.pk, list_ids=[lists[0].pk], page_id=None
        )
    )
    preferences = (
        f"/subscribers/preferences/{tokens.make_preferences_token(subscriber.pk)}/"
    )
    assert strict.post(confirm).status_code == 403
    assert (
        strict.post(preferences, {"action": "erase", "confirm": "on"}).status_code
        == 403
    )
    assert Subscription.objects.get().status == "pending"
    assert Subscriber.objects.exists()


def test_link_checkers_may_ask_with_head_and_change_nothing(client, lists, home_page):
    """Mail scanners and link checkers send HEAD for the links in our e-mails; it is
    answered like GET (headers, no body) and, like GET, changes nothing."""
    subscriber = make_subscriber("ana@example.org")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists[0],
        status="pending",
        source="import",
    )
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    links = [
        tokens.confirm_url(
            subscriber_id=subscriber.pk,
            list_ids=[lists[0].pk],
            page_id=None,
            language="es",
        ),
        tokens.unsubscribe_url(subscriber.pk, mailing_id=7),
        tokens.preferences_url(subscriber.pk, language="ar"),
    ]
    for link in links:
        path = link.removeprefix("http://127.0.0.1:8000")
        asked = client.head(path)
        assert asked.status_code == 200, path
        assert asked.content == b""
    assert client.head(f"/subscribers/embed/{signup.pk}/").status_code == 200
    assert client.head("/subscribers/unsubscribe/garbage/").status_code == 400
    assert Subscription.objects.get().status == "pending"
    assert not Suppression.objects.exists()


def test_a_zip_code_typed_on_an_arabic_or_hindi_keyboard_is_found_by_an_alert(
    client, signup_page, lists
):
    """Phone keyboards for Arabic and Hindi type their own digits (٦٠٦٠٨, ६०६०८),
    Chinese ones full-width (６０６０８): they were stored as typed, so an alert to
    ZIP prefix 606 never reached these people. Stored with ASCII digits now; letters
    and other signs are still refused."""
    from campaigns.mailings.selectors import audience_subscribers

    typed = {
        "ar@example.org": "٦٠٦٠٨",
        "hi@example.org": "६०६०८",
        "zh@example.org": "６０６０８－１２３４",
        "mixed@example.org": "6٠6٠8",
    }
    for email, zip_code in typed.items():
        data = form_data(lists, email=email, zip_code=zip_code)
        assert client.post(signup_page.url, data).status_code == 200
    for refused in ("6o6o8", "60608-", "½0608"):
        data = form_data(lists, email="x@example.org", zip_code=refused)
        assert client.post(signup_page.url, data).status_code == 400
    run_signup_requests()
    stored = {
        subscriber.email: subscriber.zip_code for subscriber in Subscriber.objects.all()
    }
    assert stored == {
        "ar@example.org": "60608",
        "hi@example.org": "60608",
        "zh@example.org": "60608-1234",
        "mixed@example.org": "60608",
    }
    Subscription.objects.update(status=Subscription.Status.CONFIRMED)
    found = audience_subscribers(list_ids=[lists[0].pk], zip_prefix="606")
    assert found.count() == 4


def test_unsubscribe_link_answers_the_same_for_someone_erased(client, lists):
    """A bulletin's unsubscribe link travels with forwards: opening it must not tell
    whether the person still is with us or has erased their data (and must not tell
    an erased person "you can sign up again", which their erasure refuses)."""
    kept = make_subscriber("ana@example.org", language="ar")
    erased = make_subscriber("luis@example.org", language="ar")
    for subscriber in (kept, erased):
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=lists[0],
            status="confirmed",
            source="signup",
        )
    from subscribers import services

    services.erase_subscriber(subscriber_id=erased.pk)

    def page(subscriber):
        token = tokens.make_unsubscribe_token(subscriber.pk, 3)
        response = client.get(f"/ar/subscribers/unsubscribe/{token}/")
        assert response.status_code == 200
        return response.content.decode().replace(token, "TOKEN")

    assert page(erased) == page(kept)
    # An English mail's link has no prefix: the browser's language does not tell
    # them apart either.
    Subscriber.objects.filter(pk=kept.pk).update(language="en")

    def english_page(subscriber):
        token = tokens.make_unsubscribe_token(subscriber.pk, 3)
        response = client.get(
            f"/subscribers/unsubscribe/{token}/", HTTP_ACCEPT_LANGUAGE="es"
        )
        return response.content.decode().replace(token, "TOKEN")

    assert english_page(erased) == english_page(kept)
    assert 'lang="en"' in english_page(erased)
    # Pressing the button answers alike too, and the erased person stays erased.
    token = tokens.make_unsubscribe_token(erased.pk, 3)
    done = client.post(
        f"/ar/subscribers/unsubscribe/{token}/", {"from_page": "1"}, follow=True
    )
    assert done.status_code == 200
    assert not Subscriber.objects.filter(pk=erased.pk).exists()


def _confirm_link(message) -> str:
    link = re.search(r"https?://\S+/subscribers/confirm/\S+", message.body).group(0)
    return link.removeprefix("http://127.0.0.1:8000")


def test_the_first_confirmation_keeps_the_language_of_the_mail_confirmed(
    client, lists, settings
):
    """Wei first sent the form in English (the language the English page offers),
    saw the English mail, sent it again in Chinese and confirmed the Chinese mail:
    her bulletins come in Chinese, not in the language of the form she got wrong."""
    from subscribers import services

    settings.SUBSCRIBERS_CONFIRMATION_INTERVAL = 0
    for language in ("en", "zh-hans"):
        wei = services.request_signup(
            email="wei@example.org",
            language=language,
            list_ids=[lists[0].pk],
            source="signup",
            send_confirmation=False,
        )
        services.send_confirmation(
            subscriber_id=wei.pk,
            list_ids=[lists[0].pk],
            page_id=None,
            language=language,
        )
    english, chinese = mail.outbox
    # A form nobody has confirmed changes nothing yet.
    wei.refresh_from_db()
    assert wei.language == "en"

    confirm = _confirm_link(chinese)
    assert client.get(confirm).status_code == 200
    client.post(confirm)
    wei.refresh_from_db()
    assert wei.subscriptions.get().status == "confirmed"
    assert wei.language == "zh-hans"

    # Later signups confirmed in another language leave a language she had already
    # made hers as it is: it changes on her preferences page.
    services.request_signup(
        email="wei@example.org",
        language="es",
        list_ids=[lists[1].pk],
        source="signup",
        send_confirmation=False,
    )
    services.send_confirmation(
        subscriber_id=wei.pk, list_ids=[lists[1].pk], page_id=None, language="es"
    )
    client.post(_confirm_link(mail.outbox[-1]))
    wei.refresh_from_db()
    assert wei.subscriptions.filter(status="confirmed").count() == 2
    assert wei.language == "zh-hans"


def test_an_english_confirmation_mail_opens_and_confirms_in_english(client, lists):
    """English links have no language prefix: the confirmation page read the
    subscriber's stored language instead, so a first form sent in Polish by mistake
    showed the English mail's link in Polish and kept Polish."""
    from subscribers import services

    jan = services.request_signup(
        email="jan@example.org",
        language="pl",
        list_ids=[lists[0].pk],
        source="signup",
        send_confirmation=False,
    )
    services.send_confirmation(
        subscriber_id=jan.pk, list_ids=[lists[0].pk], page_id=None, language="en"
    )
    confirm = _confirm_link(mail.outbox[-1])
    page = client.get(confirm, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="en"' in page
    client.post(confirm)
    jan.refresh_from_db()
    assert jan.subscriptions.get().status == "confirmed"
    assert jan.language == "en"


def test_a_person_who_left_everything_is_shown_the_way_back_from_preferences(
    client, lists, signup_page
):
    """Leaving everything (one click in the mail client) and ticking a list later on
    a bulletin's preferences page cannot rejoin at once (signing up again must be
    confirmed): the page says so and leads to the signup page, so a reader on a
    phone need not look for it."""
    from subscribers import services

    jan = make_subscriber("jan@example.org", language="pl")
    Subscription.objects.create(
        subscriber=jan, mailing_list=lists[0], status="confirmed", source="signup"
    )
    services.unsubscribe(subscriber_id=jan.pk)
    path = tokens.preferences_url(jan.pk, language="pl").removeprefix(
        "http://127.0.0.1:8000"
    )
    response = client.post(
        path, {"action": "save", "language": "pl", "lists": [lists[0].pk]}
    )
    body = response.content.decode()
    notice = body.split('class="notice"')[1].split("<form")[0]
    assert "zapisz się na naszej stronie" in notice
    assert 'join/">Dołącz do listy</a>' in notice, notice
    assert Subscription.objects.get().status == "unsubscribed"
