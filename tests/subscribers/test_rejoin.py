"""A real person's way back onto lists, through the public pages: a stranger's pending
signup never rides along a save of the preference centre, a person who left can
rejoin the same day, and the pages after an action survive back and reload."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from freezegun import freeze_time

from cms.celery import app
from cms.mail import outbox
from cms.tasks import resend_unqueued_emails_task
from subscribers import tokens
from subscribers.models import SignupPage, Subscriber, Subscription, Suppression
from tests.factories import MailingListFactory
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def worker(outbox_dir):
    """Tasks run as they are queued, as a worker would run them; mail goes to the
    file outbox."""
    app.conf.task_always_eager = True
    yield outbox_dir
    app.conf.task_always_eager = False


@pytest.fixture
def legal():
    return MailingListFactory(name="Legal Protection/Services", slug="legal")


@pytest.fixture
def outreach():
    return MailingListFactory(name="Community Outreach/Education", slug="outreach")


@pytest.fixture
def mental_health():
    return MailingListFactory(name="Mental Health/Well-being", slug="mental")


@pytest.fixture
def employers():
    return MailingListFactory(name="Employer Communications", slug="employers")


@pytest.fixture
def newcomers():
    return MailingListFactory(name="Newcomer Welcome", slug="newcomers")


@pytest.fixture
def join_page(home_page, legal, outreach):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


def join(client, page, email, *lists, capture, language="en"):
    data = {
        "email": email,
        "name": "",
        "zip_code": "",
        "language": language,
        "lists": [item.pk for item in lists],
        "website": "",
    }
    with capture(execute=True):
        response = client.post(page.url, data)
        run_signup_requests()  # the worker's part (done already when tasks run eagerly)
    assert response.status_code == 200
    return response


def confirmation_links() -> list[str]:
    links = []
    for name in outbox.list_messages():
        text, _html = outbox.body_parts(outbox.read_message(name))
        links += re.findall(r"http://\S+/confirm/\S+/", text)
    return [link.removeprefix(BASE) for link in links]


def mails() -> list[tuple[str, str]]:
    """(subject, text) of every message in the outbox, oldest first."""
    found = []
    for name in reversed(outbox.list_messages()):  # listed newest first
        message = outbox.read_message(name)
        found.append((str(message["Subject"]), outbox.body_parts(message)[0]))
    return found


def beat(capture) -> None:
    """One run of the beat's resend sweep, its tasks run as a worker would."""
    with capture(execute=True):
        resend_unqueued_emails_task()


def ticked_lists(html: str) -> set[str]:
    """The list checkboxes the page sends ticked, as a browser would post them."""
    return {
        re.search(r'value="(\d+)"', tag)[1]
        for tag in re.findall(r'<input type="checkbox" name="lists"[^>]*>', html)
        if " checked" in tag
    }


def priya_on(mailing_list, *, language: str = "es") -> Subscriber:
    """Priya, confirmed on ``mailing_list``."""
    priya = Subscriber.for_email("priya@example.org", language=language)
    priya.save()
    Subscription.objects.create(
        subscriber=priya, mailing_list=mailing_list, status="confirmed", source="signup"
    )
    return priya


def test_saving_preferences_does_not_confirm_a_strangers_signup(
    client, join_page, legal, outreach, django_capture_on_commit_callbacks
):
    """A stranger signs Priya up; she opens her own preferences, changes only her
    language and saves: the stranger's list stays unconfirmed and never looks ticked."""
    priya = priya_on(outreach, language="en")
    join(
        client,
        join_page,
        "priya@example.org",
        legal,
        capture=django_capture_on_commit_callbacks,
    )
    path = tokens.preferences_url(priya.pk, language=priya.language).removeprefix(BASE)

    page = client.get(path).content.decode()
    assert ticked_lists(page) == {str(outreach.pk)}, "the pending list is not ticked"
    assert "waiting for you to confirm" in page
    saved = client.post(
        path,
        {"action": "save", "language": "hi", "lists": sorted(ticked_lists(page))},
    )

    assert saved.status_code == 303, "to the Hindi address"
    statuses = dict(Subscription.objects.values_list("mailing_list__slug", "status"))
    assert statuses == {"legal": "pending", "outreach": "confirmed"}
    assert Subscriber.objects.get().language == "hi"
    again = client.get(path).content.decode()
    assert str(legal.pk) not in ticked_lists(again)


def test_ticking_a_pending_list_on_the_page_joins_it(
    client, join_page, legal, django_capture_on_commit_callbacks
):
    join(
        client,
        join_page,
        "priya@example.org",
        legal,
        capture=django_capture_on_commit_callbacks,
    )
    priya = Subscriber.objects.get()
    path = tokens.preferences_url(priya.pk).removeprefix(BASE)
    client.post(path, {"action": "save", "language": "en", "lists": [legal.pk]})
    joined = Subscription.objects.get()
    assert (joined.status, joined.source) == ("confirmed", "preferences")


def unsubscribe_everything(client, subscriber):
    path = tokens.unsubscribe_url(
        subscriber.pk, language=subscriber.language
    ).removeprefix(BASE)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code in (200, 302, 303)


def test_leaving_by_mistake_then_rejoining_within_the_hour_sends_a_confirmation(
    client, join_page, legal, worker, django_capture_on_commit_callbacks
):
    with freeze_time("2026-03-02 09:00") as clock:
        join(
            client,
            join_page,
            "priya@example.org",
            legal,
            capture=django_capture_on_commit_callbacks,
        )
        (first,) = confirmation_links()
        client.post(first)
        priya = Subscriber.objects.get()
        assert priya.subscriptions.get().status == "confirmed"
        clock.tick(timedelta(minutes=5))
        unsubscribe_everything(client, priya)
        assert priya.subscriptions.get().status == "unsubscribed"

        clock.tick(timedelta(minutes=10))
        answer = join(
            client,
            join_page,
            "priya@example.org",
            legal,
            capture=django_capture_on_commit_callbacks,
        )

        assert "check your e-mail" in answer.content.decode()
        links = confirmation_links()
        assert len(links) == 2, "the rejoin got its own confirmation e-mail"
        (second,) = set(links) - {first}
        client.post(second)
        assert priya.subscriptions.get().status == "confirmed"


def test_a_flood_of_signups_for_one_mailbox_sends_at_most_the_allowance(
    client,
    join_page,
    legal,
    outreach,
    worker,
    rate_limit,
    settings,
    django_capture_on_commit_callbacks,
):
    """Past the per-address signup limit (switched off here, to reach this one), a
    stranger's signups for one mailbox, +tags and all, minutes apart: 3 e-mails, and
    every answer is the same page."""
    rate_limit("signup.address", "0")
    answers = set()
    with freeze_time("2026-03-02 09:00") as clock:
        for attempt in range(10):
            email = (
                "priya@example.org" if attempt % 2 else f"priya+{attempt}@example.org"
            )
            response = join(
                client,
                join_page,
                email,
                (legal, outreach)[attempt % 2],
                capture=django_capture_on_commit_callbacks,
            )
            answers.add(response.content.decode())
            clock.tick(timedelta(minutes=2))
    assert len(outbox.list_messages()) == 3
    assert settings.RATE_LIMITS["confirmation-mail.address"] == "3/1d", "the default"
    assert len(answers) == 1


def test_unsubscribe_from_everything_is_set_apart_and_asks_first(client, outreach):
    priya = priya_on(outreach)
    path = tokens.preferences_url(priya.pk).removeprefix(BASE)
    page = client.get(path).content.decode()

    save_form = re.search(r'<form[^>]*class="preferences-form".*?</form>', page, re.S)
    assert "unsubscribe" not in save_form[0].lower(), "not beside Save my choices"
    leave = re.search(
        r'<section class="leave-all">.*?<a class="button button-danger" '
        r'href="([^"]+)"',
        page,
        re.S,
    )
    asked = client.get(leave[1]).content.decode()
    assert 'name="List-Unsubscribe"' in asked, "the unsubscribe page asks first"
    assert Subscription.objects.get().status == "confirmed"


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


def test_confirming_redirects_and_reload_shows_the_result(
    client, join_page, legal, worker, django_capture_on_commit_callbacks
):
    join(
        client,
        join_page,
        "priya@example.org",
        legal,
        capture=django_capture_on_commit_callbacks,
    )
    (link,) = confirmation_links()
    asked = client.get(link)
    assert "Confirm your subscription" in title(asked)

    posted = client.post(link)

    assert (posted.status_code, posted["Location"]) == (303, link)
    for _reload in range(2):
        shown = client.get(link)
        assert "You are subscribed" in title(shown)
        assert "Yes, subscribe me" not in shown.content.decode()
    assert Subscription.objects.get().status == "confirmed"


def test_a_confirmation_link_opened_after_leaving_says_it_was_used_and_changes_nothing(
    client, join_page, legal, worker, django_capture_on_commit_callbacks
):
    """The link showed "Yes, subscribe me" again; pressing it did nothing and showed
    it again. Now: used, in the reader's language, with the way to join again."""
    join(
        client,
        join_page,
        "priya@example.org",
        legal,
        capture=django_capture_on_commit_callbacks,
        language="es",
    )
    (link,) = confirmation_links()
    assert link.startswith("/es/"), "the Spanish mail's link"
    client.post(link)
    priya = Subscriber.objects.get()
    unsubscribe_everything(client, priya)

    for _again in range(2):
        shown = client.get(link)
        html = shown.content.decode()
        assert shown.status_code == 410
        assert '<html lang="es" dir="ltr">' in html
        assert "Este enlace ya se ha usado" in title(shown)
        assert "<button" not in html.split('<main id="main">')[1]
        assert f'href="/es/{join_page.slug}/"' in html, "join again, in Spanish"
        client.post(link)
    assert priya.subscriptions.get().status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=priya.email_hash).exists()


def test_a_confirmation_link_whose_signup_lapsed_says_it_was_used(
    client, join_page, legal, outreach, worker, django_capture_on_commit_callbacks
):
    priya = priya_on(outreach, language="en")
    join(
        client,
        join_page,
        "priya@example.org",
        legal,
        capture=django_capture_on_commit_callbacks,
    )
    (link,) = confirmation_links()
    priya.subscriptions.filter(status="pending").delete()  # purge_unconfirmed

    shown = client.get(link)
    assert shown.status_code == 410
    assert "This link has already been used" in title(shown)
    client.post(link)
    assert list(priya.subscriptions.values_list("mailing_list", "status")) == [
        (outreach.pk, "confirmed")
    ]


def test_unsubscribing_from_the_page_redirects_to_a_done_page_in_the_readers_language(
    client, outreach
):
    priya = priya_on(outreach)
    path = tokens.unsubscribe_url(priya.pk, language="es").removeprefix(BASE)
    page = client.get(path).content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', page)
    )
    assert hidden["List-Unsubscribe"] == "One-Click"

    posted = client.post(path, {"List-Unsubscribe": "One-Click", "from_page": "1"})

    assert posted.status_code == 303
    done = client.get(posted["Location"])
    assert done.status_code == 200
    assert '<html lang="es"' in done.content.decode()
    assert "Unsubscribe me" not in done.content.decode()
    assert Subscription.objects.get().status == "unsubscribed"
    # A mail client's RFC 8058 POST gets the page itself, not a redirect.
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_done_page_offers_the_way_back_without_saying_instead(client, outreach):
    """Once unsubscribed, the page asked "Change your lists or see your data
    instead?": instead of what was already done. It now asks whether the reader
    changed their mind, in their language, with the same link to the preferences."""
    priya = priya_on(outreach, language="en")
    path = tokens.unsubscribe_url(priya.pk).removeprefix(BASE)
    assert "see your data instead?" in client.get(path).content.decode()

    posted = client.post(path, {"List-Unsubscribe": "One-Click", "from_page": "1"})
    html = client.get(posted["Location"]).content.decode()

    assert "You are unsubscribed" in html
    assert "instead" not in html
    assert "Changed your mind, or want to see your data?" in html
    assert "E-mail me a link to my preferences" in html


def test_the_done_page_after_erasing_names_nobody_and_keeps_the_language(
    client, outreach
):
    priya = Subscriber.for_email("priya@example.org", language="hi", name="Priya")
    priya.save()
    # Erasure is offered only on the link mailed on request (a footer's cannot).
    path = tokens.mailed_preferences_url(
        priya.pk, generation=0, language="hi"
    ).removeprefix(BASE)

    posted = client.post(path, {"action": "erase", "confirm": "on"})

    assert posted.status_code == 303
    assert (
        tokens.make_unsubscribe_token(priya.pk).split(".")[-1] not in posted["Location"]
    )
    assert path.split("/")[-2] not in posted["Location"], "no token in the done URL"
    done = client.get(posted["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert '<html lang="hi"' in html
    assert "priya" not in html.lower()
    assert not Subscriber.objects.exists()
    assert title(done).startswith(re.search(r"<h1>(.*?)</h1>", html)[1])
    # Reload: the same page, nothing posted again.
    assert client.get(posted["Location"]).content == done.content


def test_joining_a_second_list_within_the_interval_mails_it_once_the_interval_passed(
    client,
    join_page,
    legal,
    outreach,
    worker,
    settings,
    django_capture_on_commit_callbacks,
):
    """Priya joins Legal, then Outreach ten seconds later: the page says "check your
    e-mail" both times, and once the interval has passed she gets a second e-mail
    whose link confirms Outreach (it had none before: pending until purged)."""
    settings.SUBSCRIBERS_CONFIRMATION_INTERVAL = 60
    with freeze_time("2026-03-02 09:00") as clock:
        first = join(
            client,
            join_page,
            "priya@example.org",
            legal,
            capture=django_capture_on_commit_callbacks,
        )
        clock.tick(timedelta(seconds=10))
        second = join(
            client,
            join_page,
            "priya@example.org",
            outreach,
            capture=django_capture_on_commit_callbacks,
        )
        assert first.content == second.content, "the same page either way"
        assert len(mails()) == 1, "not within the interval"
        beat(django_capture_on_commit_callbacks)
        assert len(mails()) == 1, "still within the interval"

        clock.tick(timedelta(seconds=51))
        beat(django_capture_on_commit_callbacks)

        (_subject, text) = mails()[1]
        assert "Community Outreach/Education" in text
        client.post(confirmation_links()[0])  # the newest
    priya = Subscriber.objects.get()
    statuses = dict(priya.subscriptions.values_list("mailing_list__slug", "status"))
    assert statuses["outreach"] == "confirmed"
    assert priya.confirmation_owed_language == ""


def test_five_quick_signups_send_one_more_email_in_the_latest_language(
    client,
    join_page,
    legal,
    outreach,
    mental_health,
    employers,
    worker,
    django_capture_on_commit_callbacks,
):
    """Five forms within a minute (new lists and a double tap, in four languages):
    one e-mail at once and one more after the interval, in the language of the
    last form, naming every list still pending; however often the deferred task and
    the beat run after that."""
    from subscribers.tasks import send_owed_confirmation_task

    forms = [
        (legal, "en"),
        (outreach, "es"),
        (outreach, "es"),
        (mental_health, "hi"),
        (employers, "pl"),
    ]
    with freeze_time("2026-03-02 09:00") as clock:
        for mailing_list, language in forms:
            join(
                client,
                join_page,
                "priya@example.org",
                mailing_list,
                language=language,
                capture=django_capture_on_commit_callbacks,
            )
            clock.tick(timedelta(seconds=5))
        clock.tick(timedelta(seconds=40))
        priya = Subscriber.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            for _ in forms:
                send_owed_confirmation_task(priya.pk)
        beat(django_capture_on_commit_callbacks)

        sent = mails()
        assert len(sent) == 2
        subject, text = sent[1]
        assert subject == "Prosimy o potwierdzenie subskrypcji", "the last form's"
        for name in (
            "Legal Protection/Services",
            "Community Outreach/Education",
            "Mental Health/Well-being",
            "Employer Communications",
        ):
            assert name in text

        clock.tick(timedelta(minutes=5))
        beat(django_capture_on_commit_callbacks)
        assert len(mails()) == 2, "nothing more is owed"


def test_a_double_tap_within_the_interval_still_sends_one_email(
    client, join_page, legal, worker, django_capture_on_commit_callbacks
):
    with freeze_time("2026-03-02 09:00") as clock:
        for _ in range(2):
            join(
                client,
                join_page,
                "priya@example.org",
                legal,
                capture=django_capture_on_commit_callbacks,
            )
        clock.tick(timedelta(minutes=2))
        beat(django_capture_on_commit_callbacks)
    assert len(mails()) == 1


def test_owed_confirmations_stay_within_the_daily_allowance(
    client,
    join_page,
    legal,
    outreach,
    mental_health,
    employers,
    newcomers,
    worker,
    settings,
    django_capture_on_commit_callbacks,
):
    """Every list asked for within the interval is mailed after it, until the
    mailbox's allowance for the day (3) is used: then nothing, and the page answers
    the same."""
    assert settings.RATE_LIMITS["confirmation-mail.address"] == "3/1d", "the default"
    answers = set()
    with freeze_time("2026-03-02 09:00") as clock:
        for mailing_list in (legal, outreach, mental_health, employers, newcomers):
            response = join(
                client,
                join_page,
                "priya@example.org",
                mailing_list,
                capture=django_capture_on_commit_callbacks,
            )
            answers.add(response.content)
            clock.tick(timedelta(seconds=10))
            if mailing_list is not legal:
                clock.tick(timedelta(seconds=51))
                beat(django_capture_on_commit_callbacks)
        clock.tick(timedelta(minutes=5))
        beat(django_capture_on_commit_callbacks)

    sent = mails()
    assert len(sent) == 3
    assert "Community Outreach/Education" in sent[1][1]
    assert "Mental Health/Well-being" in sent[2][1]
    assert len(answers) == 1


def test_a_form_after_the_interval_carries_the_owed_lists_and_nothing_more_is_sent(
    client,
    join_page,
    legal,
    outreach,
    mental_health,
    worker,
    django_capture_on_commit_callbacks,
):
    """The deferred e-mail has not gone yet (a busy worker) when Priya sends a third
    form after the interval: its e-mail names the owed list too, and is the last."""
    with freeze_time("2026-03-02 09:00") as clock:
        for mailing_list, wait in ((legal, 10), (outreach, 60), (mental_health, 0)):
            join(
                client,
                join_page,
                "priya@example.org",
                mailing_list,
                capture=django_capture_on_commit_callbacks,
            )
            clock.tick(timedelta(seconds=wait))
        clock.tick(timedelta(minutes=5))
        beat(django_capture_on_commit_callbacks)

    sent = mails()
    assert len(sent) == 2
    assert "Community Outreach/Education" in sent[1][1]
    assert "Mental Health/Well-being" in sent[1][1]
