"""With the broker (Redis) unreachable, a signup, signature or RSVP is stored and
answered normally, never a 500; the e-mail it owes keeps a "not queued" mark in the
database (an RSVP's is an owed guest message), and the resend beat task (the guest-mail
beat for RSVPs) queues it once the broker is back, exactly once.

Found in hardening: the on-commit publish raised kombu's OperationalError inside the
request, so the person saw a server error although their row was committed, and the
e-mail that could not be queued was never sent.
"""

import socket
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaigns.models import Milestone, Signature
from campaigns.services import petitions
from campaigns.tasks import notify_milestone_task, send_signature_verification_task
from cms.tasks import resend_unqueued_emails_task
from events.models import GuestMessage, Rsvp
from events.tasks import dispatch_guest_mail_task, send_guest_messages_task
from subscribers import imports
from subscribers.models import (
    ListPermission,
    MailingList,
    SignupPage,
    SignupRequest,
    Subscriber,
    Subscription,
)
from subscribers.tasks import process_signup_request_task, send_confirmation_task
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    UserFactory,
    build_event,
    build_petition_page,
    make_subscriber,
)
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = [
    process_signup_request_task,
    send_confirmation_task,
    send_signature_verification_task,
    send_guest_messages_task,
    notify_milestone_task,
]


class Broker:
    """Stands in for Redis at the publish edge: refuses while down, records when up."""

    def __init__(self):
        self.down = True
        self.refused: list[str] = []
        self.queued: list[tuple[str, tuple]] = []


@pytest.fixture
def broker(monkeypatch, settings):
    settings.EMAIL_RESEND_GRACE = 0
    state = Broker()

    def apply_async(self, args=None, kwargs=None, **options):
        if state.down:
            state.refused.append(self.name)
            raise OperationalError(
                "Error 111 connecting to 127.0.0.1:6379. Connection refused."
            )
        state.queued.append((self.name, tuple(args or ())))

    for task in TASKS:
        monkeypatch.setattr(
            type(task._get_current_object()), "apply_async", apply_async
        )
    return state


@pytest.fixture
def dead_cache(settings):
    """The fail-soft Redis cache pointed at a port nobody listens on: Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


def short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@pytest.fixture
def forms(home_page):
    legal = MailingListFactory(slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    signup.mailing_lists.add(legal)
    signup.save_revision().publish()
    petition = build_petition_page(
        home_page, CampaignFactory(slug="down"), require_verification=True
    )
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    return legal, signup, petition, event


def post_all(client, forms, email="ana@example.org"):
    legal, signup, petition, event = forms
    answers = [
        client.post(
            signup.url,
            {"email": email, "language": "es", "lists": [legal.pk], "website": ""},
        ),
        client.post(
            reverse("campaigns:sign", args=[petition.pk]),
            {"name": "Ana", "email": email, "zip_code": "60601", "website": ""},
        ),
        client.post(
            event.url + "rsvp/", {"name": "Ana", "email": email, "website": ""}
        ),
    ]
    return [answer.status_code for answer in answers]


def test_signup_signature_and_rsvp_survive_a_dead_broker(
    client, forms, broker, dead_cache
):
    # Rate limits live in the same Redis: they fail open instead of failing the form.
    codes = post_all(client, forms)
    assert all(code in (200, 303) for code in codes), codes
    # The signup is kept for the worker: its task is what the broker refused, and
    # the kept row is left unmarked for the resend run.
    assert SignupRequest.objects.get().queued_at is None
    assert run_signup_requests() == 1  # the worker's part, once it gets there
    assert sorted(map(short, broker.refused)) == [
        "process_signup_request_task",
        "send_confirmation_task",
        "send_guest_messages_task",  # the RSVP confirmation's sender
        "send_signature_verification_task",
    ]
    subscriber = Subscriber.objects.get()
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    assert subscriber.confirmation_sent_at is None, "marked: still to send"
    assert Signature.objects.get().verification_queued_at is None
    owed = GuestMessage.objects.get()
    assert (owed.rsvp_id, owed.kind, owed.status) == (
        Rsvp.objects.get().pk,
        "confirmation",
        "queued",
    )


def test_resend_queues_each_missed_email_once_when_the_broker_is_back(
    client, forms, broker, rate_limit
):
    # One address at three doors: the daily one-e-mail-per-mailbox limit (tested in
    # test_audit_findings.py) would hold back two of the three e-mails here.
    rate_limit("confirmation-mail.address", "0")
    _, signup, petition, _ = forms
    post_all(client, forms)
    # Still down: the resend run queues nothing and leaves every mark in place.
    assert resend_unqueued_emails_task() == {
        "signups": 0,
        "confirmations": 0,
        "verifications": 0,
        "milestones": 0,
    }
    assert dispatch_guest_mail_task()["waiting"] == 1
    kept = SignupRequest.objects.get()
    assert kept.queued_at is None
    assert not Subscriber.objects.exists()
    broker.down = False
    first = resend_unqueued_emails_task()
    second = resend_unqueued_emails_task()
    assert first == {
        "signups": 1,
        "confirmations": 0,
        "verifications": 1,
        "milestones": 0,
    }
    assert sum(second.values()) == 0, f"a second run re-queued {second}"
    # The worker runs the kept signup's task; it queues the confirmation itself.
    assert run_signup_requests() == 1
    assert sum(resend_unqueued_emails_task().values()) == 0
    # The RSVP's confirmation is an owed row: the guest-mail beat queues its sender.
    assert dispatch_guest_mail_task()["waiting"] == 1
    subscriber = Subscriber.objects.get()
    signature = Signature.objects.get()
    assert sorted((short(name), args) for name, args in broker.queued) == [
        ("process_signup_request_task", (kept.pk,)),
        (
            "send_confirmation_task",
            (subscriber.pk, [forms[0].pk], signup.pk, subscriber.language),
        ),
        ("send_guest_messages_task", ()),
        ("send_signature_verification_task", (signature.pk,)),
    ]
    assert subscriber.confirmation_sent_at is not None
    assert signature.verification_queued_at is not None


def test_resend_waits_for_the_grace_period_and_skips_old_and_staff_rows(
    client, forms, broker, settings
):
    post_all(client, forms)
    run_signup_requests()  # the worker's part, its confirmation refused
    broker.down = False
    settings.EMAIL_RESEND_GRACE = 300
    assert sum(resend_unqueued_emails_task().values()) == 0, "too young"
    settings.EMAIL_RESEND_GRACE = 0
    settings.EMAIL_RESEND_MAX_AGE = 3600
    hour_ago = timezone.now() - timedelta(hours=2)
    Subscription.objects.update(updated_at=hour_ago)
    Signature.objects.update(created_at=hour_ago)
    Rsvp.objects.update(created_at=hour_ago)
    assert sum(resend_unqueued_emails_task().values()) == 0, "too old"
    # Rows staff added pending are not owed an e-mail (an import's pending rows are:
    # subscribers.imports asks people known from other lists to confirm).
    Subscription.objects.update(
        updated_at=timezone.now(), source=Subscription.Source.STAFF
    )
    assert resend_unqueued_emails_task()["confirmations"] == 0, "not asked for"
    assert broker.queued == []


def test_an_imports_confirmation_is_queued_once_the_broker_is_back(broker):
    """Someone known from a list the importer cannot see joins as pending: the
    confirmation e-mail that asks her survives a broker outage like a signup's."""
    legal, health = MailingListFactory(slug="legal"), MailingListFactory()
    priya = make_subscriber("priya@example.org", language="hi")
    Subscription.objects.create(
        subscriber=priya,
        mailing_list=health,
        status="confirmed",
        source="signup",
        consented_at=timezone.now(),
    )
    group = Group.objects.create(name="Legal importers")
    ListPermission.objects.create(group=group, mailing_list=legal, permission="import")
    importer = UserFactory()
    importer.groups.add(group)
    imports.import_subscribers(
        rows=imports.read_csv(b"email,lists\npriya@example.org,legal\n"),
        allowed_lists=MailingList.objects.filter(pk=legal.pk),
        importer=importer,
    )
    assert broker.refused == [send_confirmation_task.name]
    broker.down = False
    assert resend_unqueued_emails_task()["confirmations"] == 1
    assert resend_unqueued_emails_task()["confirmations"] == 0
    assert broker.queued == [
        (send_confirmation_task.name, (priya.pk, [legal.pk], None, "hi"))
    ]


def test_a_claimed_row_is_not_queued_by_a_second_run(client, forms, broker):
    post_all(client, forms)
    run_signup_requests()  # the worker's part, its confirmation refused
    legal, signup, _, _ = forms
    data = {"email": "ana@example.org", "language": "es", "lists": [legal.pk]}
    assert client.post(signup.url, data).status_code == 200  # kept, unqueued
    broker.down = False
    # Another run claimed them all first (the conditional UPDATE is what it won).
    now = timezone.now()
    SignupRequest.objects.update(queued_at=now)
    Subscriber.objects.update(confirmation_sent_at=now)
    Signature.objects.update(verification_queued_at=now)
    assert sum(resend_unqueued_emails_task().values()) == 0
    assert broker.queued == []


def test_a_milestone_notice_missed_by_the_broker_is_queued_later(home_page, broker):
    campaign = CampaignFactory(slug="milestone", milestone_thresholds=[1])
    page = build_petition_page(home_page, campaign, require_verification=True)
    broker.down = False
    outcome = petitions.record_signature(
        page=page, email="ana@example.org", language="en"
    )
    broker.down = True
    assert petitions.verify_signature(signature_id=outcome.signature_id)
    assert "campaigns.tasks.notify_milestone_task" in broker.refused
    milestone = Milestone.objects.get()
    assert milestone.notified_at is None
    broker.down = False
    broker.queued.clear()
    assert resend_unqueued_emails_task()["milestones"] == 1
    assert [short(name) for name, _ in broker.queued] == ["notify_milestone_task"]


def test_two_resend_runs_at_once_queue_each_email_once(
    client, forms, broker, rate_limit
):
    rate_limit("confirmation-mail.address", "0")  # one address at three doors
    for n in range(5):
        post_all(client, forms, email=f"person-{n}@example.org")
    run_signup_requests()  # the worker's part, each confirmation refused
    broker.down = False
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(resend_unqueued_emails_task())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    queued = Counter(repr(item) for item in broker.queued)
    twice = {item: n for item, n in queued.items() if n > 1}
    figures = (
        f"runs {results}; queued {len(broker.queued)} "
        f"(5 people x 2 e-mails; RSVPs owe theirs as rows), duplicated {len(twice)}"
    )
    assert len(results) == 2, figures
    assert not twice, figures
    assert len(queued) == 10, figures
