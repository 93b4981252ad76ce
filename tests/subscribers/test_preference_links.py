"""The preferences link in every mailing's footer travels with forwards: it opens a
limited page, and the data (download, erasure) needs a link e-mailed on request, which
revokes every earlier link once opened. A cut-off link's page offers to e-mail a new one."""

import json
import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from campaigns.mailings.services.sending import load_recipients
from cms.celery import app as celery_app
from subscribers import tokens
from subscribers.models import Subscriber, Subscription
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def tasks_run_at_once():
    """The worker's part runs in this process: the e-mail lands in mail.outbox."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def fatima():
    person = make_subscriber("fatima@example.org", language="es", name="Fatima")
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    Subscription.objects.create(
        subscriber=person, mailing_list=legal, status="confirmed", source="signup"
    )
    return person


@contextmanager
def tasks_published():
    """The tasks the request queues, as (name, args), none run: the request's own
    work, not the worker's."""
    from celery.signals import before_task_publish

    from tests.workers import purge_queues

    celery_app.conf.task_always_eager = False
    published = []

    def record(sender=None, body=None, **kwargs):
        published.append((sender, list(body[0])))

    before_task_publish.connect(record)
    try:
        yield published
    finally:
        before_task_publish.disconnect(record)
        purge_queues()


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


def footer_link(person: Subscriber) -> str:
    person.refresh_from_db()
    # As a mailing's footer carries it: under the reader's language.
    return path_of(
        tokens.preferences_url(
            person.pk, generation=person.link_generation, language=person.language
        )
    )


def mailed_link() -> str:
    """The preferences link in the one e-mail sent, which goes to Fatima."""
    (message,) = mail.outbox
    mail.outbox.clear()
    assert message.to == ["fatima@example.org"]
    (link,) = set(re.findall(r"http://\S+/preferences/[^/\s]+/", message.body))
    return path_of(link)


def test_the_footer_link_masks_the_address_and_keeps_the_data_behind_the_mailbox(
    client, fatima
):
    footer = footer_link(fatima)
    page = client.get(footer)
    body = page.content.decode()
    assert page.status_code == 200
    assert "fatima@example.org" not in body
    assert "f\u2022\u2022\u2022@example.org" in body
    assert 'value="download"' not in body
    assert 'value="erase"' not in body
    assert 'value="send_link"' in body

    download = client.post(footer, {"action": "download"})
    erase = client.post(footer, {"action": "erase", "confirm": "on"})
    assert download.status_code == erase.status_code == 403
    assert b"fatima@example.org" not in download.content + erase.content
    assert '<html lang="es"' in erase.content.decode()
    assert Subscriber.objects.filter(pk=fatima.pk).exists()

    # Language and leaving lists still work from the footer.
    saved = client.post(footer, {"action": "save", "language": "pl", "lists": []})
    assert saved.status_code == 303, "to the Polish address, from the Spanish one"
    assert saved["Location"].startswith("/pl/")
    assert Subscription.objects.get().status == "unsubscribed"
    assert Subscriber.objects.get().language == "pl"
    assert not mail.outbox


def test_the_mailed_link_opens_the_data_and_the_footer_link_stops_working(
    client, fatima
):
    footer = footer_link(fatima)
    asked = client.post(footer, {"action": "send_link"})
    assert asked.status_code == 200
    assert "fatima@example.org" not in asked.content.decode()
    mailed = mailed_link()

    page = client.get(mailed)
    assert page.status_code == 200
    assert "fatima@example.org" in page.content.decode()
    download = client.post(mailed, {"action": "download"})
    assert json.loads(download.content)["subscriber"]["email"] == "fatima@example.org"

    revoked = client.get(footer)
    assert revoked.status_code == 410
    assert '<html lang="es"' in revoked.content.decode()
    assert "fatima@example.org" not in revoked.content.decode()
    assert client.post(footer, {"action": "download"}).status_code == 410
    # A footer made after the request (the next mailing's) works.
    assert client.get(footer_link(fatima)).status_code == 200

    erased = client.post(mailed, {"action": "erase", "confirm": "on"})
    assert erased.status_code == 303, "to the erased page, as a GET"
    assert not Subscriber.objects.exists()


def test_a_new_link_from_the_unsubscribe_page_revokes_every_earlier_one(client, fatima):
    today = int(time.time() // 86400)
    # Mailed before link generations: no generation in it, honoured as the first.
    message = f"{fatima.pk}.{today}"
    old_format = f"{message}.{tokens._signature('preferences', message)}"
    before = [f"/es/subscribers/preferences/{old_format}/", footer_link(fatima)]
    for link in before:
        assert client.get(link).status_code == 200

    unsubscribe = path_of(tokens.unsubscribe_url(fatima.pk, language="es"))
    assert client.post(unsubscribe, {"action": "send_link"}).status_code == 200
    first = mailed_link()
    assert client.get(first).status_code == 200
    assert client.post(unsubscribe, {"action": "send_link"}).status_code == 200
    second = mailed_link()

    # Opening a new link revokes every one before it; asking alone revokes nothing.
    for link in before:
        page = client.get(link)
        assert page.status_code == 410, link
        assert '<html lang="es"' in page.content.decode()
    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 200
    page = client.get(first)
    assert page.status_code == 410
    assert '<html lang="es"' in page.content.decode()
    assert Subscription.objects.get().status == "confirmed"


def test_the_footer_page_answers_the_same_whether_a_link_went_or_not(client, fatima):
    footer = footer_link(fatima)
    answers = set()
    for _ in range(3):  # RATE_LIMIT_PREFERENCES_LINKS_PER_ADDRESS: 2 a day
        answer = client.post(footer_link(fatima), {"action": "send_link"})
        assert answer.status_code == 200
        # The language switcher's links carry each page's own token: compare the text.
        answers.add(re.search(r"<h1>.*?</p>", answer.content.decode(), re.S)[0])
    assert len(answers) == 1
    assert len(mail.outbox) == 2
    # Asking (whoever holds the footer may) leaves the owner's link working.
    assert client.get(footer).status_code == 200


def test_the_replaced_page_can_ask_for_a_new_link(client, fatima):
    footer = footer_link(fatima)
    client.post(footer, {"action": "send_link"})
    mailed_link()
    again = client.post(footer, {"action": "send_link"})
    assert again.status_code == 200
    assert client.get(mailed_link()).status_code == 200


def test_the_mailed_link_expires_in_hours(client, fatima, settings):
    settings.SUBSCRIBERS_MAILED_LINK_HOURS = 2
    client.post(footer_link(fatima), {"action": "send_link"})
    mailed = mailed_link()
    with freeze_time(timedelta(hours=3), tick=True):
        expired = client.get(mailed)
        assert expired.status_code == 410
        assert "2" in expired.content.decode()
        assert client.post(mailed, {"action": "download"}).status_code == 410
    assert client.get(mailed).status_code == 200


def test_a_mailing_footer_carries_the_current_generation(fatima, home_page):
    from campaigns.mailings.models import Delivery
    from tests.campaigns.mailing_fixtures import sending_mailing

    Subscriber.objects.filter(pk=fatima.pk).update(link_generation=3)
    mailing = sending_mailing(home_page, [], languages=("es",))
    Delivery.objects.create(
        mailing=mailing, subscriber=fatima, language="es", batch_token="b1"
    )
    ((recipient,),) = load_recipients("b1", mailing.pk).values()
    token = recipient.preferences_url.rstrip("/").rsplit("/", 1)[1]
    assert tokens.read_preferences_token(token).generation == 3
    assert Client().get(path_of(recipient.preferences_url)).status_code == 200


NEW_LINK_ANSWER = "If this address is on our lists, we have sent it a new link"


@pytest.mark.parametrize(
    "broken",
    [
        "/es/subscribers/unsubscribe/12.0.AAAA/",
        "/es/subscribers/preferences/12.20000.0.AAAAAAAAAAAAAAAAAAAAAAAA/",
    ],
)
def test_a_broken_link_offers_to_mail_a_new_one(broken, fatima):
    client = Client(enforce_csrf_checks=True)
    page = client.get(broken)
    assert page.status_code == 400
    body = page.content.decode()
    assert '<html lang="es"' in body
    action = re.search(r'<form method="post" action="([^"]+)"', body)[1]
    assert action == "/es/subscribers/new-link/"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]

    def ask(email, website=""):
        data = {"email": email, "website": website, "csrfmiddlewaretoken": csrf}
        return client.post(action, data)

    known = ask("Fatima@Example.org")
    unknown = ask("nobody@example.org")
    bot = ask("fatima@example.org", website="http://spam.example")
    assert known.status_code == unknown.status_code == bot.status_code == 200
    assert known.content == unknown.content == bot.content
    assert '<html lang="es"' in known.content.decode()
    assert client.get(mailed_link()).status_code == 200
    assert not mail.outbox

    assert (
        Client(enforce_csrf_checks=True)
        .post(action, {"email": "fatima@example.org"})
        .status_code
        == 403
    )
    invalid = ask("not an address")
    assert invalid.status_code == 400
    assert not mail.outbox


def test_asking_for_new_links_by_address_is_limited(client, fatima, rate_limit):
    rate_limit("link-request.client", "2/1h")
    for _ in range(2):
        answer = client.post("/subscribers/new-link/", {"email": "x@example.org"})
        assert NEW_LINK_ANSWER in answer.content.decode()
    refused = client.post("/subscribers/new-link/", {"email": "fatima@example.org"})
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert not mail.outbox


def test_the_per_address_allowance_is_silent_on_the_address_form(client, fatima):
    answers = {
        client.post("/subscribers/new-link/", {"email": "fatima@example.org"}).content
        for _ in range(3)
    }
    assert len(answers) == 1
    assert len(mail.outbox) == 2  # RATE_LIMIT_PREFERENCES_LINKS_PER_ADDRESS


def test_the_address_form_does_the_same_work_for_known_and_unknown_addresses(fatima):
    """Identical bodies are not enough: a known address used to be looked up, checked
    for suppression, counted and given a new link generation inside the request, an
    unknown one not, so a known address answered tens of milliseconds later (measured
    against gunicorn: 134 ms vs 73 ms median). The request now does the same for
    both, one keyed hash into one task, and the worker does the rest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = {}
    with tasks_published() as published:
        Client().post("/subscribers/new-link/", {"email": "warm@example.org"})
        published.clear()  # the page's frame is cached from here on
        for email in ("fatima@example.org", "nobody@example.org"):
            with CaptureQueriesContext(connection) as queries:
                answer = Client().post("/subscribers/new-link/", {"email": email})
            assert NEW_LINK_ANSWER in answer.content.decode()
            work[email] = ([query["sql"] for query in queries], published[:])
            published.clear()
    (known_sql, known_tasks), (unknown_sql, unknown_tasks) = work.values()
    assert not [sql for sql in known_sql + unknown_sql if "subscriber" in sql]
    assert len(known_sql) == len(unknown_sql)
    ((known_task, known_args),) = known_tasks
    ((unknown_task, unknown_args),) = unknown_tasks
    assert (
        known_task == unknown_task == "subscribers.tasks.preferences_link_for_hash_task"
    )
    assert "fatima" not in json.dumps(known_args)
    fatima.refresh_from_db()
    assert fatima.link_generation == 0
    assert not mail.outbox

    # The worker's part: the known address gets its link, the unknown one nothing.
    from subscribers.tasks import preferences_link_for_hash_task

    celery_app.conf.task_always_eager = True
    preferences_link_for_hash_task.delay(*unknown_args)
    assert not mail.outbox
    preferences_link_for_hash_task.delay(*known_args)
    assert Client().get(mailed_link()).status_code == 200
    fatima.refresh_from_db()
    assert fatima.link_generation == 1


@pytest.mark.parametrize(
    ("asked", "lang", "title"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "ar"}, "ar", "انتهت صلاحية هذا النموذج"),
        ({"QUERY_STRING": "language=hi"}, "hi", "यह फ़ॉर्म समाप्त हो गया है"),
    ],
)
def test_an_expired_form_on_a_mailed_link_is_told_in_the_readers_language(
    fatima, asked, lang, title
):
    """A link without a language prefix (an English reader's, or one cut short of
    it): Django answered a failed CSRF check there (cookies blocked, an in-app
    browser) in English, whatever the browser asked for."""
    client = Client(enforce_csrf_checks=True)
    paths = [
        path_of(tokens.preferences_url(fatima.pk)),
        path_of(tokens.unsubscribe_url(fatima.pk)).replace("unsubscribe", "confirm"),
        "/subscribers/new-link/",
    ]
    for path in paths:
        answer = client.post(path, {"action": "save"}, **asked)
        assert answer.status_code == 403, path
        body = answer.content.decode()
        assert f'<html lang="{lang}"' in body, path
        assert title in body, path
    # Other pages without a prefix are the default language's, as before.
    assert '<html lang="en"' in client.post("/", **asked).content.decode()


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/ar", "ar")])
def test_the_new_link_page_opened_on_its_own_only_asks_for_an_address(
    client, prefix, language
):
    """Opened from a bookmark or typed (no broken link behind it), the page is the
    plain form, in the reader's language: not "This link is not valid"."""
    page = client.get(f"{prefix}/subscribers/new-link/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<html lang="{language}"' in body
    with translation.override(language):
        not_valid = gettext("This link is not valid")
        heading = gettext("Get a new link to your preferences")
    assert not_valid not in body
    assert f"<h1>{heading}</h1>" in body
    assert f"<title>{heading} ·" in body
    assert 'name="email"' in body
    # A typing mistake shows the same form, with its error, under the same heading.
    mistake = client.post(
        f"{prefix}/subscribers/new-link/", {"email": "not an address"}
    )
    assert mistake.status_code == 400
    assert f"<h1>{heading}</h1>" in mistake.content.decode()
    assert not_valid not in mistake.content.decode()


def test_a_broken_link_still_says_so_above_the_form(client):
    body = client.get("/subscribers/unsubscribe/12.0.AAAA/").content.decode()
    assert "<h1>This link is not valid</h1>" in body
    assert "Get a new link to your preferences" not in body


def test_a_forwarded_footer_link_does_not_tell_that_its_reader_erased(client, fatima):
    """Every bulletin's footer carries a preferences link, and forwards carry it: for
    a person who erased their data (or left and was forgotten) it answers as for a
    person who asked for a new link, never "we no longer hold any details"."""
    from subscribers import services

    kept = make_subscriber("omar@example.org", language="es")
    kept_footer = footer_link(kept)  # /es/..., as a Spanish mailing links it
    gone_footer = footer_link(fatima)
    client.post(kept_footer, {"action": "send_link"})  # Omar asks for a new link
    (sent,) = mail.outbox
    mail.outbox.clear()
    (opened,) = set(re.findall(r"http://\S+/preferences/[^/\s]+/", sent.body))
    assert client.get(path_of(opened)).status_code == 200  # and opens it
    services.erase_subscriber(subscriber_id=fatima.pk)

    def answer(link, data=None):
        response = client.post(link, data) if data else client.get(link)
        assert response.status_code == (200 if data else 410)
        page = response.content.decode()
        assert "fatima@example.org" not in page
        main = re.search(r"<main.*</main>", page, re.S)[0].replace(link, "LINK")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)

    for path in (kept_footer, gone_footer):
        assert '<html lang="es"' in client.get(path).content.decode()
    # An English mailing's link has no prefix: the browser's language does not tell
    # who is gone either (the English a person still here reads it in).
    english = client.get(gone_footer.removeprefix("/es"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en"' in english.content.decode()
    assert answer(gone_footer) == answer(kept_footer)
    asked = {"action": "send_link"}
    assert answer(gone_footer, asked) == answer(kept_footer, asked)
    assert mail.outbox[0].to == ["omar@example.org"]
    assert len(mail.outbox) == 1


def test_asking_for_a_new_link_never_breaks_the_owners_links(client, fatima):
    """Anyone holding one forwarded bulletin (or an old link, or the address) could
    ask for a new link, and each request revoked every link the owner held: the real
    subscriber's footer links and the link she had just been mailed stopped working,
    again and again. A request now changes nothing; the links sent before are revoked
    only when the owner opens the new one, in her own mailbox."""
    footer = footer_link(fatima)
    client.post(footer, {"action": "send_link"})
    owners = mailed_link()
    assert client.get(owners).status_code == 200

    # A forward's reader, the unsubscribe page and the address form all ask.
    stranger = Client()
    stranger.post(footer_link(fatima), {"action": "send_link"})
    stranger.post(path_of(tokens.unsubscribe_url(fatima.pk)), {"action": "send_link"})
    stranger.post("/subscribers/new-link/", {"email": "fatima@example.org"})
    assert len(mail.outbox) == 1  # the day's allowance: two, one already used
    fresh = mailed_link()
    fatima.refresh_from_db()
    assert fatima.link_generation == 1, "a request writes nothing"
    assert client.get(owners).status_code == 200
    assert client.get(footer_link(fatima)).status_code == 200

    # Opening the new link, in her mailbox, revokes the links sent before it.
    assert client.get(fresh).status_code == 200
    fatima.refresh_from_db()
    assert fatima.link_generation == 2
    for revoked in (footer, owners):
        assert client.get(revoked).status_code == 410
    assert client.get(fresh).status_code == 200
    assert client.get(footer_link(fatima)).status_code == 200


def test_asking_from_a_forwarded_link_does_the_same_work_for_a_person_here_or_gone(
    fatima,
):
    """The same page for both was not enough: for a person still here the request
    looked up their suppressions, counted their allowance and queued the mail, for
    one who erased their data it stopped at the first query, so the answer's timing
    told whoever holds a forwarded bulletin whether its reader was still here. The
    request now queues one task with the id for both; the worker does the rest."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from subscribers import services

    gone = make_subscriber("omar@example.org", language="es")
    doors = {
        person.pk: [
            path_of(tokens.unsubscribe_url(person.pk, mailing_id=3, language="es")),
            footer_link(person),
        ]
        for person in (fatima, gone)
    }
    services.erase_subscriber(subscriber_id=gone.pk)
    work = {}
    with tasks_published() as published:
        Client().post(doors[fatima.pk][0], {"action": "send_link"})
        published.clear()  # the page's frame is cached from here on
        for person_id, paths in doors.items():
            for door, path in enumerate(paths):
                cache.clear()  # the client's allowance
                with CaptureQueriesContext(connection) as queries:
                    answer = Client().post(path, {"action": "send_link"})
                assert answer.status_code == 200
                work[person_id, door] = (
                    len(queries),
                    [(task, args == [person_id]) for task, args in published],
                )
                published.clear()
    for door in (0, 1):
        here, erased = work[fatima.pk, door], work[gone.pk, door]
        assert here == erased
        assert here[1] == [("subscribers.tasks.preferences_link_for_id_task", True)]
    assert not mail.outbox

    # The worker's part: the person here gets their link, the one gone nothing.
    from subscribers.tasks import preferences_link_for_id_task

    celery_app.conf.task_always_eager = True
    preferences_link_for_id_task.delay(gone.pk)
    assert not mail.outbox
    preferences_link_for_id_task.delay(fatima.pk)
    assert Client().get(mailed_link()).status_code == 200
