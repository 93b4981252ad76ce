"""Signing a petition does the same work for an address that already signed it as for
a new one: the same statements, tables, allowances and tasks, and the same answer.

Found by measuring (bench/petition_timing.py: gunicorn with 2 sync workers under the
production settings, PostgreSQL and Redis, six runs of 40 interleaved pairs): on a
petition that requires verification the page's form and the widget answered a signer
who had verified sooner than a new address in 23-31 of 40 pairs (medians 2-6 ms
sooner), and on a petition that counts at once any earlier signer in 21-29 of 40. A
new signature was inserted, counted and committed (a write to flush), its allowance
taken and its verification queued; a repeat read its row with a second query,
committed nothing and, once verified, queued nothing: the clock told who had signed a
petition for immigrant rights. Now a repeat writes its own row back unchanged and moves
the counter by 0, in the statement a new signature is written and counted by; a
verifying petition takes the allowance and queues the verification task for every
submission, and the worker mails only a signature still waiting
(campaigns.services.notifications.send_signature_verification)."""

import re
from contextlib import contextmanager
from unittest import mock

import pytest
from celery.signals import before_task_publish
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaigns import selectors
from campaigns.forms import EmbeddedPetitionForm
from campaigns.models import Counter, Milestone, Signature
from campaigns.selectors import counter_value
from campaigns.services.petitions import record_signature, verify_signature
from campaigns.tasks import send_signature_verification_task
from cms import ratelimit
from cms.celery import app as celery_app
from cms.partners.webhooks import services as partner_webhooks
from tests.factories import MailingListFactory, build_petition_page

pytestmark = pytest.mark.django_db

FORM = {"name": "Ana Morales", "zip_code": "60608", "website": ""}


@pytest.fixture(autouse=True)
def _memos_kept(monkeypatch):
    """The process's copy of the petition and of the partner endpoints are reloaded
    every few seconds: on a slow run one request could reload and its twin not."""
    monkeypatch.setattr(selectors._petitions, "seconds", 3600)
    monkeypatch.setattr(partner_webhooks, "MEMO_SECONDS", 3600)


@pytest.fixture
def published():
    """The tasks published to the broker (the real one: Redis or the embedded one)."""
    from tests.workers import purge_queues

    sent = []

    def record(sender=None, body=None, **kwargs):
        sent.append(sender)

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    before_task_publish.connect(record)
    yield sent
    before_task_publish.disconnect(record)
    celery_app.conf.task_always_eager = before
    purge_queues()


SAVEPOINT_NAME = re.compile(r'"s\d+_x\d+"')


@contextmanager
def statements():
    """Every statement sent to the database, as its text with placeholders (so two
    signatures compare equal), including PostgreSQL's prepared signing statement,
    which bypasses Django's query log (cms/prepared.py)."""
    sent = []
    if connection.vendor == "postgresql":
        import psycopg

        original = psycopg.Cursor.execute

        def execute(self, query, params=None, **kwargs):
            sent.append(SAVEPOINT_NAME.sub('"s"', str(query)))
            return original(self, query, params, **kwargs)

        with mock.patch.object(psycopg.Cursor, "execute", execute):
            yield sent
        return

    def wrapper(execute, sql, params, many, context):
        sent.append(SAVEPOINT_NAME.sub('"s"', sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield sent


def tables(sql: list[str]) -> set[str]:
    return {
        name
        for query in sql
        for name in re.findall(r'(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)"?', query)
    }


class Door:
    """A petition's public form: the page's (posted to its sign URL) or the widget's."""

    def __init__(self, petition, *, embed: bool):
        self.petition, self.embed = petition, embed

    def post(self, email: str):
        data = {**FORM, "email": email}
        if self.embed:
            url = reverse("campaigns:embed", args=[self.petition.pk])
            data["form_token"] = (
                EmbeddedPetitionForm(
                    campaign=self.petition.campaign, page_id=self.petition.pk
                )
                .fields["form_token"]
                .initial
            )
        else:
            url = reverse("campaigns:sign", args=[self.petition.pk])
        if self.petition.campaign.offered_list_ids:
            data["lists"] = list(self.petition.campaign.offered_list_ids)
        return Client().post(url, data)


def work(door, email, published, capture):
    """What one submission did: statements, tables, allowances taken, tasks queued
    (after commit), and its answer."""
    allowances = []
    take = ratelimit.allow_count

    def allow_count(limit, *args, **kwargs):
        allowances.append(limit)
        return take(limit, *args, **kwargs)

    published.clear()
    with (
        mock.patch.object(ratelimit, "allow_count", allow_count),
        statements() as sent,
        capture(execute=True),
    ):
        answer = door.post(email)
    return {
        "statements": sent,
        "tables": tables(sent),
        "allowances": allowances,
        "tasks": list(published),
        "answer": (answer.status_code, answer.get("Location"), answer.content),
    }


def signed_before(petition, email: str, *, verified: bool) -> None:
    outcome = record_signature(page=petition, email=email, language="en")
    if verified:
        verify_signature(signature_id=outcome.signature_id)


def assert_same_work(door, published, capture, *, repeats: dict[str, bool]) -> dict:
    """Warm the door, then compare a new address with each kind of earlier signer."""
    door.post("warm@example.org")
    petition = door.petition
    for name, verified in repeats.items():
        signed_before(petition, f"{name}@example.org", verified=verified)
    done = {"new": work(door, "newcomer@example.org", published, capture)}
    for name in repeats:
        done[name] = work(door, f"{name}@example.org", published, capture)
    new = done["new"]
    assert new["statements"], "the capture saw nothing"
    for name in repeats:
        repeat = done[name]
        for part in ("statements", "tables", "allowances", "tasks", "answer"):
            assert repeat[part] == new[part], (name, part, repeat[part], new[part])
    assert "campaigns_signature" in new["tables"]
    return done


@pytest.mark.parametrize("embed", [False, True], ids=["page form", "widget"])
def test_a_counted_petition_does_the_same_work_for_a_signer_and_a_newcomer(
    petition, embed, published, django_capture_on_commit_callbacks
):
    """No verification: PostgreSQL's one signing statement, SQLite's ORM path."""
    done = assert_same_work(
        Door(petition, embed=embed),
        published,
        django_capture_on_commit_callbacks,
        repeats={"signed": True},
    )
    assert "campaigns_counter" in done["new"]["tables"]
    # Counted exactly: warm, the earlier signer and the newcomer, once each.
    assert counter_value(campaign_id=petition.campaign_id) == 3
    assert Signature.objects.count() == 3


@pytest.mark.parametrize("embed", [False, True], ids=["page form", "widget"])
def test_a_verifying_petition_does_the_same_work_for_every_address(
    home_page, campaign, embed, published, django_capture_on_commit_callbacks
):
    """A new signer, one whose signature waits for its link and one who verified it:
    each takes the allowance and queues one verification task; the worker mails only
    the signatures still waiting."""
    petition = build_petition_page(home_page, campaign, require_verification=True)
    done = assert_same_work(
        Door(petition, embed=embed),
        published,
        django_capture_on_commit_callbacks,
        repeats={"pending": False, "verified": True},
    )
    task = send_signature_verification_task.name
    assert done["new"]["tasks"] == [task]
    assert done["new"]["allowances"] == [
        "petition.client",
        "petition.address",
        ratelimit.CONFIRMATION_MAIL,
    ]
    assert counter_value(campaign_id=petition.campaign_id) == 1  # the verified one
    # The worker: the newcomer and the waiting signer get their link, the verified
    # signer nothing (she verified already), whatever was queued.
    statuses = dict(
        Signature.objects.values_list("email_hash", "status").order_by("pk")
    )
    assert list(statuses.values()).count(Signature.Status.VERIFIED) == 1
    for signature_id in Signature.objects.values_list("pk", flat=True):
        send_signature_verification_task(signature_id)
    sent_to = sorted(message.to[0] for message in mail.outbox)
    assert sent_to == [
        "newcomer@example.org",
        "pending@example.org",
        "warm@example.org",
    ]


def test_a_petition_offering_lists_does_the_same_work_for_a_signer_and_a_newcomer(
    petition, published, django_capture_on_commit_callbacks
):
    """The list opt-in is kept for the worker anyway (submit_signup); the signature
    beside it is written and counted in one transaction, for both alike."""
    petition.campaign.default_lists.add(MailingListFactory(slug="legal"))
    selectors.forget_petitions()
    done = assert_same_work(
        Door(petition, embed=False),
        published,
        django_capture_on_commit_callbacks,
        repeats={"signed": True},
    )
    assert "subscribers_signuprequest" in done["new"]["tables"]
    assert counter_value(campaign_id=petition.campaign_id) == 3


def test_a_repeat_moves_no_count_and_reaches_no_milestone_twice(petition):
    """The repeat's write leaves its signature as it was and the count where it was:
    the tenth signer reaches the milestone; the first, signing again, does not."""
    first = record_signature(
        page=petition, email="ana@example.org", language="es", name="Ana", zip_code=""
    )
    for number in range(8):
        record_signature(page=petition, email=f"s{number}@example.org", language="en")
    again = record_signature(
        page=petition,
        email="ANA@example.org",
        language="en",
        name="Other",
        zip_code="99999",
    )
    assert (again.signature_id, again.created, again.counted) == (
        first.signature_id,
        False,
        False,
    )
    signature = Signature.objects.get(pk=first.signature_id)
    assert (signature.name, signature.zip_code, signature.language) == ("Ana", "", "es")
    counter = Counter.objects.get(campaign_id=petition.campaign_id)
    assert counter.value == 9
    record_signature(page=petition, email="ana@example.org", language="en")
    assert Counter.objects.get(pk=counter.pk).updated_at == counter.updated_at, (
        "nothing was counted"
    )
    assert not Milestone.objects.exists()
    tenth = record_signature(page=petition, email="tenth@example.org", language="en")
    assert tenth.counted
    assert counter_value(campaign_id=petition.campaign_id) == 10
    assert list(Milestone.objects.values_list("threshold", flat=True)) == [10]
    record_signature(page=petition, email="tenth@example.org", language="en")
    assert list(Milestone.objects.values_list("threshold", flat=True)) == [10]
    assert Counter.objects.get(campaign_id=petition.campaign_id).value == 10
