"""Staff write and send the next monthly bulletin from the last one, counting clicks
and keystrokes (bench/staff_actions.py's journey, figures in docs/staff-actions.md),
and the readers get it: a real worker sends it to the loopback Mailgun."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from bench.staff_actions import MARCH, Actions, journey_after, log_in
from campaigns.mailings.models import Mailing
from cms.models import BulletinPage
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
)
from tests.fake_esp import FakeMailgun
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

# The figures recorded in docs/staff-actions.md for this journey.
RECORDED_CLICKS = 10
CONTENT = len(MARCH["summary"]) + sum(len(t) + len(s) for t, s in MARCH["news"])


def last_months_bulletin(home):
    event = build_event(build_event_index(home), title="Know Your Rights session")
    return build_bulletin(
        build_bulletin_index(home),
        title="Important resources and news for immigrants",
        summary="February's news.",
        body=[
            ("paragraph", "<p>Here are some events and opportunities for you.</p>"),
            ("heading", {"text": "News", "level": "h2"}),
            ("news_item", {"title": "Board of Health", "summary": "A.", "link": ""}),
            ("news_item", {"title": "Refugee ban", "summary": "B.", "link": ""}),
            (
                "resource",
                {
                    "organisation": "National Immigrant Justice Center",
                    "category": "legal",
                    "phone": "312-660-1370",
                    "web_address": "https://www.immigrantjustice.org/",
                    "description": "Free legal consultations.",
                },
            ),
            (
                "call_to_action",
                {
                    "text": "Call your Senators.",
                    "label": "Call (202) 224-3121",
                    "page": None,
                    "url": "tel:+12022243121",
                },
            ),
            ("heading", {"text": "Upcoming events", "level": "h2"}),
            (
                "event_listing",
                {"title": "", "events": [event.pk], "kinds": [], "limit": 5},
            ),
            ("quote", {"quote": "The City is here for you.", "attribution": "Mayor"}),
            ("divider", None),
            ("paragraph", "<p>Thank you.</p>"),
        ],
    )


def test_write_and_send_the_next_bulletin_from_the_last_one(
    open_page, live_server, home_page, tmp_path
):
    cache.clear()
    with transaction.atomic():
        last = last_months_bulletin(home_page)
        legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
        outreach = MailingListFactory(name="Community Outreach/Education", slug="out")
        subscribe("ana@example.org", [legal], language="es")
        subscribe("li@example.org", [outreach], language="en")
        SuperuserFactory(username="admin", email="admin@ona.example.org")
    page = open_page()
    log_in(page, live_server.url, "admin", "correct horse battery staple")
    actions = Actions()

    fake = FakeMailgun(keep_bodies=True).start()
    var_dir = tmp_path / "var" if settings.REDIS_URL else settings.VAR_DIR
    env = worker_env(
        redis_url=settings.REDIS_URL or None,
        var_dir=var_dir,
        BASE_URL=live_server.url,
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=fake.anymail_settings()["MAILGUN_API_KEY"],
        ANYMAIL_MAILGUN_API_URL=fake.api_url,
        ANYMAIL_MAILGUN_SENDER_DOMAIN=fake.anymail_settings()["MAILGUN_SENDER_DOMAIN"],
    )
    try:
        with celery_worker(
            env=env, queues=["default", "bulk"], log_path=tmp_path / "w"
        ):
            journey_after(page, live_server.url, actions)
            wait_for(lambda: len(fake.delivered) >= 2, timeout=90, what="the send")
    finally:
        fake.stop()

    new = BulletinPage.objects.exclude(pk=last.pk).get()
    assert actions.page_id == new.pk
    assert new.live
    assert new.summary == MARCH["summary"]
    assert [block.block_type for block in new.body] == [
        block.block_type for block in last.body
    ], "the same structure"
    assert list(new.body[7].value["events"]) == [], "the listing lists upcoming events"
    assert Mailing.objects.get().page_id == new.pk
    assert sorted(row.to for row in fake.delivered) == [
        "ana@example.org",
        "li@example.org",
    ]
    assert MARCH["news"][0][0] in fake.delivered[0].html
    assert actions.clicks == RECORDED_CLICKS, actions.steps
    assert actions.keystrokes == CONTENT, "nothing typed but the month's news"
