"""The confirmation e-mail leaves through a real Celery worker, never the web request."""

import re
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.core.cache import cache

from cms.mail import outbox
from subscribers.models import SignupPage, Subscription
from tests.factories import MailingListFactory
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_confirmation_goes_through_the_worker(
    client, home_page, outbox_dir, tmp_path
):
    cache.clear()
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    page = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    page.save_revision().publish()
    # On Redis when REDIS_URL is set, else on the embedded broker under VAR_DIR.
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)
    data = {"email": "ana@example.org", "language": "pl", "lists": [legal.pk]}

    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "w.log"):
        response = client.post(page.url, data)
        assert response.status_code == 200
        client.post(page.url, data)  # a second signup the same day sends nothing
        (name,) = wait_for(outbox.list_messages, timeout=60, what="the confirmation")
        log = (tmp_path / "w.log").read_text()
        assert "subscribers.tasks.send_confirmation_task" in log
        assert "ana@example.org" not in log, "logs carry ids, never addresses"

    message = outbox.read_message(name)
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Prosimy o potwierdzenie subskrypcji"
    text, _html = outbox.body_parts(message)
    link = re.search(r"https?://\S+/pl/subscribers/confirm/\S+/", text).group(0)
    path = "/" + link.split("/", 3)[3]
    client.post(path)
    assert Subscription.objects.get().status == "confirmed"
    assert outbox.list_messages() == [name]


def test_a_second_list_asked_within_the_interval_is_mailed_once_it_has_passed(
    client, home_page, outbox_dir, tmp_path
):
    """The worker records Ana's second form (another list) while her first e-mail's
    interval runs: its deferred task sends the second e-mail, naming that list, once
    the interval has passed; no beat runs here."""
    cache.clear()
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    page = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    page.save_revision().publish()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        SUBSCRIBERS_CONFIRMATION_INTERVAL="3",
    )
    data = {"email": "ana@example.org", "language": "en"}

    with celery_worker(env=env, queues=["default"], log_path=tmp_path / "w.log"):
        assert client.post(page.url, {**data, "lists": [legal.pk]}).status_code == 200
        assert (
            client.post(page.url, {**data, "lists": [outreach.pk]}).status_code == 200
        )
        names = wait_for(
            lambda: len(outbox.list_messages()) == 2 and outbox.list_messages(),
            timeout=60,
            what="the second confirmation",
        )

    second, first = (outbox.read_message(name) for name in names)  # newest first
    first_text, _html = outbox.body_parts(first)
    second_text, _html = outbox.body_parts(second)
    assert "Community Outreach/Education" not in first_text
    assert "Community Outreach/Education" in second_text
    gap = parsedate_to_datetime(second["Date"]) - parsedate_to_datetime(first["Date"])
    assert gap.total_seconds() >= 2, "not before the interval has passed"
