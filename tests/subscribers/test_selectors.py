import pytest
from django.conf import settings

from subscribers import selectors, services
from subscribers.models import Subscription
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db


def test_sendable_subscribers_skip_unconfirmed_unsubscribed_and_suppressed():
    legal, health = MailingListFactory(), MailingListFactory()
    people = {
        name: make_subscriber(f"{name}@example.org")
        for name in ("both", "pending", "left", "bounced", "other")
    }
    rows = [
        ("both", legal, "confirmed"),
        ("both", health, "confirmed"),
        ("pending", legal, "pending"),
        ("left", legal, "unsubscribed"),
        ("bounced", legal, "confirmed"),
        ("other", MailingListFactory(), "confirmed"),
    ]
    for name, mailing_list, status in rows:
        Subscription.objects.create(
            subscriber=people[name],
            mailing_list=mailing_list,
            status=status,
            source="import",
        )
    services.suppress(email="bounced@example.org", reason="hard_bounce")
    sendable = selectors.sendable_subscribers([legal.pk, health.pk])
    assert list(sendable) == [people["both"]]


def test_decrypted_recipients_in_one_query(django_assert_num_queries):
    ids = [
        make_subscriber(f"p{n}@example.org", name=f"P {n}", language="ar").pk
        for n in range(50)
    ]
    with django_assert_num_queries(1):
        recipients = selectors.decrypted_recipients(ids)
    assert recipients[ids[7]] == {
        "email": "p7@example.org",
        "name": "P 7",
        "language": "ar",
    }


def test_purge_runs_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["subscribers-purge-unconfirmed"]
    assert entry["task"] == "subscribers.tasks.purge_unconfirmed_task"
    from cms.celery import app

    app.loader.import_default_modules()  # what a starting worker does
    assert entry["task"] in app.tasks, "the worker knows the task beat will send"
