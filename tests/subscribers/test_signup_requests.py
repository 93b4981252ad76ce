"""A public form's signup does the same work whatever the address: one kept row and
one task with its id; the worker records it (request_signup) and deletes the row.

Found by an attacker-tester: the signup page answered an address already confirmed
on a list faster than a new one (162 ms vs 204 ms median through gunicorn; the
embedded form 154 ms vs 210 ms), because a new address's subscriber and
subscription rows and its confirmation were written inside the request, while a
member's were only read. Identical bodies, but the clock told who is on the lists."""

import json
import re
from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import retention
from cms.celery import app as celery_app
from subscribers import services
from subscribers.models import (
    SignupPage,
    SignupRequest,
    Subscriber,
    Subscription,
    Suppression,
)
from subscribers.tasks import process_signup_request_task
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_petition_page,
    make_subscriber,
)
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db

TASK = "subscribers.tasks.process_signup_request_task"
MEMBER = "fatima@example.org"
NEWCOMER = "newcomer@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def legal():
    return MailingListFactory(name="Legal Protection/Services", slug="legal")


@pytest.fixture
def member(legal):
    person = make_subscriber(MEMBER, language="es", name="Fatima")
    Subscription.objects.create(
        subscriber=person,
        mailing_list=legal,
        status=Subscription.Status.CONFIRMED,
        source=Subscription.Source.SIGNUP,
        consented_at=timezone.now(),
    )
    return person


@pytest.fixture
def signup_page(home_page, legal):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


@pytest.fixture
def published():
    """The tasks sent to the broker (name, args), the broker being the real one."""
    from tests.workers import purge_queues

    sent = []

    def record(sender=None, body=None, **kwargs):
        sent.append((sender, list(body[0])))

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    before_task_publish.connect(record)
    yield sent
    before_task_publish.disconnect(record)
    celery_app.conf.task_always_eager = before
    purge_queues()


def form(legal, email):
    return {
        "email": email,
        "name": "Someone",
        "zip_code": "60608",
        "language": "es",
        "lists": [legal.pk],
        "website": "",
    }


def tables(queries) -> set[str]:
    return {
        name
        for query in queries
        for name in re.findall(r'(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)"?', query["sql"])
    }


def post_and_measure(url, data, capture):
    with (
        CaptureQueriesContext(connection) as queries,
        capture(execute=True),
    ):
        answer = Client().post(url, data)
    return answer, list(queries)


def test_the_signup_form_does_the_same_work_for_a_member_and_a_new_address(
    signup_page, legal, member, published, django_capture_on_commit_callbacks
):
    # Warm: the page's frame and lists are cached from here on, for both.
    Client().post(signup_page.url, form(legal, "warm@example.org"))
    SignupRequest.objects.all().delete()
    published.clear()
    work = {}
    for email in (MEMBER, NEWCOMER):
        seen = set(SignupRequest.objects.values_list("pk", flat=True))
        answer, queries = post_and_measure(
            signup_page.url, form(legal, email), django_capture_on_commit_callbacks
        )
        (row,) = SignupRequest.objects.exclude(pk__in=seen)
        work[email] = (answer, queries, row, published[:])
        published.clear()
    member_answer, member_queries, member_row, member_tasks = work[MEMBER]
    new_answer, new_queries, new_row, new_tasks = work[NEWCOMER]
    assert member_answer.status_code == new_answer.status_code == 200
    assert member_answer.content == new_answer.content
    assert len(member_queries) == len(new_queries)
    assert tables(member_queries) == tables(new_queries)
    assert "subscribers_signuprequest" in tables(new_queries)
    assert not {"subscribers_subscriber", "subscribers_subscription"} & tables(
        new_queries
    )
    # One task each, with the kept row's id: no address in its arguments.
    assert member_tasks == [(TASK, [member_row.pk])]
    assert new_tasks == [(TASK, [new_row.pk])]
    assert "example.org" not in json.dumps(member_tasks + new_tasks)
    # Kept encrypted, found by its keyed hash; never the address in the clear.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, name FROM subscribers_signuprequest WHERE id = %s",
            [new_row.pk],
        )
        stored = cursor.fetchone()
    assert all(b"newcomer" not in bytes(value) for value in stored)
    assert bytes(stored[0]).startswith(b"\x01")  # subscribers.crypto's layout
    assert new_row.email == NEWCOMER
    assert new_row.email_hash == Subscriber.for_email(NEWCOMER).email_hash
    assert member_row.email_hash == member.email_hash
    # Nothing was recorded yet, for either.
    assert not Subscriber.objects.with_email(NEWCOMER).exists()
    assert member.subscriptions.count() == 1
    assert not mail.outbox


def test_the_worker_records_what_the_request_used_to(
    signup_page, legal, member, django_capture_on_commit_callbacks
):
    Suppression.objects.create(
        email_hash=Subscriber.for_email("gone@example.org").email_hash,
        reason=Suppression.Reason.COMPLAINT,
    )
    for email in (MEMBER, NEWCOMER, "gone@example.org"):
        Client().post(signup_page.url, form(legal, email))
    ids = dict(
        zip(
            (MEMBER, NEWCOMER, "gone@example.org"),
            SignupRequest.objects.order_by("pk").values_list("pk", flat=True),
            strict=True,
        )
    )
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the confirmation is sent in-process
    try:
        for email, request_id in ids.items():
            with django_capture_on_commit_callbacks(execute=True):
                process_signup_request_task.delay(request_id)
            # A task delivered again finds no row and does nothing.
            with django_capture_on_commit_callbacks(execute=True):
                process_signup_request_task.delay(request_id)
            assert not SignupRequest.objects.filter(pk=request_id).exists(), email
    finally:
        celery_app.conf.task_always_eager = before
    newcomer = Subscriber.objects.with_email(NEWCOMER).get()
    assert (newcomer.language, newcomer.name, newcomer.zip_code) == (
        "es",
        "Someone",
        "60608",
    )
    (subscription,) = newcomer.subscriptions.all()
    assert (subscription.status, subscription.source, subscription.signup_page_id) == (
        Subscription.Status.PENDING,
        Subscription.Source.SIGNUP,
        signup_page.pk,
    )
    assert [message.to for message in mail.outbox] == [[NEWCOMER]]
    # The member: nothing new, her name untouched; the suppressed address: nothing.
    member.refresh_from_db()
    assert member.name == "Fatima"
    assert list(member.subscriptions.values_list("status", flat=True)) == ["confirmed"]
    assert not Subscriber.objects.with_email("gone@example.org").exists()
    assert Subscriber.objects.count() == 2


def test_the_embedded_form_and_a_petitions_opt_in_keep_the_signup_too(
    home_page, signup_page, legal, member
):
    from campaigns.services.petitions import record_signature

    url = reverse("subscribers:embed", args=[signup_page.pk])
    page = Client().get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    answer = Client().post(url, {**form(legal, NEWCOMER), "form_token": token})
    assert answer.status_code == 200
    petition = build_petition_page(home_page, CampaignFactory(slug="stand"))
    petition.campaign.default_lists.add(legal)
    for email in (MEMBER, "signer@example.org"):
        record_signature(page=petition, email=email, language="en", list_ids=[legal.pk])
    # Kept, not recorded: the same work for the member as for the newcomers.
    assert sorted(SignupRequest.objects.values_list("source", flat=True)) == [
        "petition",
        "petition",
        "signup",
    ]
    assert Subscriber.objects.count() == 1
    assert run_signup_requests() == 3
    joined = Subscription.objects.filter(status=Subscription.Status.PENDING)
    assert sorted(joined.values_list("source", flat=True)) == ["petition", "signup"]
    assert member.subscriptions.get().status == Subscription.Status.CONFIRMED


def test_a_lost_queue_is_recovered_by_the_resend_sweep(
    signup_page, legal, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The broker down at commit: the kept row stays, unmarked, and the resend beat
    queues it once it is a minute old (EMAIL_RESEND_GRACE), once."""
    from kombu.exceptions import OperationalError

    from cms.tasks import resend_unqueued_emails_task

    queued = []
    down = [True]

    def delay(*args):
        if down[0]:
            raise OperationalError("Connection refused.")
        queued.append(args)

    monkeypatch.setattr(process_signup_request_task, "delay", delay)
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post(signup_page.url, form(legal, NEWCOMER))
    assert answer.status_code == 200
    kept = SignupRequest.objects.get()
    assert kept.queued_at is None
    down[0] = False
    assert resend_unqueued_emails_task()["signups"] == 0, "younger than a minute"
    SignupRequest.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert resend_unqueued_emails_task()["signups"] == 1
    assert resend_unqueued_emails_task()["signups"] == 0
    assert queued == [(kept.pk,)]
    process_signup_request_task(*queued[0])
    assert Subscriber.objects.with_email(NEWCOMER).get().subscriptions.count() == 1
    assert not SignupRequest.objects.exists()


def test_erasing_a_person_deletes_their_kept_signups(legal, member):
    services.submit_signup(
        email=MEMBER, language="es", list_ids=[legal.pk], source="signup"
    )
    services.submit_signup(
        email=NEWCOMER, language="es", list_ids=[legal.pk], source="signup"
    )
    assert services.erase_subscriber(subscriber_id=member.pk)
    assert [row.email for row in SignupRequest.objects.all()] == [NEWCOMER]


def test_kept_signups_older_than_a_day_are_purged(legal):
    for _ in range(2):
        services.submit_signup(
            email=NEWCOMER, language="es", list_ids=[legal.pk], source="signup"
        )
    old, fresh = SignupRequest.objects.order_by("pk")
    SignupRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    assert retention.purge_signup_requests() == 1
    assert list(SignupRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_a_signup_whose_worker_failed_is_queued_again(
    signup_page, legal, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The worker deletes the kept row when it records it: a row still there long
    after it was queued met a worker that raised (the database away) or died, and
    would otherwise wait, marked, for the one-day purge."""
    from cms.tasks import resend_unqueued_emails_task

    queued = []
    monkeypatch.setattr(process_signup_request_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(signup_page.url, form(legal, NEWCOMER))
    kept = SignupRequest.objects.get()
    assert queued == [kept.pk]
    assert kept.queued_at is not None
    # The worker took it and failed: nothing recorded, the row still marked.
    SignupRequest.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert resend_unqueued_emails_task()["signups"] == 0, "its worker may be busy"

    SignupRequest.objects.update(
        queued_at=timezone.now()
        - timedelta(seconds=settings.SIGNUP_REQUEST_RETRY_SECONDS + 1)
    )
    assert resend_unqueued_emails_task()["signups"] == 1
    assert resend_unqueued_emails_task()["signups"] == 0
    assert queued == [kept.pk, kept.pk]
    process_signup_request_task(kept.pk)
    process_signup_request_task(kept.pk)  # the first delivery, late: a no-op
    assert Subscriber.objects.with_email(NEWCOMER).get().subscriptions.count() == 1
    assert not SignupRequest.objects.exists()
