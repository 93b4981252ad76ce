"""Every hand-written SQL statement works on both backends, through the flow that uses it.

The suite runs twice in CI: on SQLite with the embedded broker (what a newcomer has) and on
PostgreSQL with Redis. These tests carry no backend marker, so each runs in both worlds.
The register below names every module that sends SQL of its own; a new raw statement fails
``test_every_raw_sql_module_is_registered`` until it is added here with the public flow
that proves it on both backends.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import render_pending, start_mailing
from campaigns.models import Counter, Milestone, Signature
from campaigns.selectors import counter_value
from campaigns.services.petitions import verification_token
from events.models import Rsvp
from subscribers import tokens
from subscribers.models import SignupPage, Subscription
from tests.caches import use_private_caches
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_bulletin,
    build_event,
    build_petition_page,
    make_subscriber,
)
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# module -> the tests (here, or path::name) that drive its raw SQL through a public flow
RAW_SQL_MODULES = {
    # sign_and_count's one statement is PostgreSQL's only (::text, IS NOT DISTINCT
    # FROM, unnest): record_signature calls it only there, SQLite takes the ORM; the
    # same test drives both.
    "campaigns/services/counters.py": [
        "test_signing_counts_reaches_milestones_once_and_erase_takes_one_off",
        "test_a_mailbox_signs_once_whatever_its_tag",
        "test_a_confirmed_signup_counts_for_its_campaign",
    ],
    "campaigns/services/petitions.py": [
        "test_signing_counts_reaches_milestones_once_and_erase_takes_one_off",
        "test_a_mailbox_signs_once_whatever_its_tag",
        "test_a_verified_signature_counts_once",
    ],
    "campaigns/mailings/services/starting.py": [
        "test_a_mailing_reaches_each_confirmed_reader_once"
    ],
    "campaigns/mailings/services/sending.py": [
        "test_a_mailing_reaches_each_confirmed_reader_once"
    ],
    # INSERT ... ON CONFLICT DO NOTHING RETURNING id: one delivery per endpoint and event.
    "cms/partners/webhooks/services.py": [
        "tests/partners/test_webhooks.py::test_event_changes_rsvps_and_milestones_become_events",
        "tests/partners/test_webhooks.py::test_a_delivery_is_signed_per_standard_webhooks",
    ],
    # events_claim_rsvp() on PostgreSQL (one round trip under the event lock).
    # confirmed_count(): the places left (EventPlaces), read at each RSVP's re-render.
    "events/models.py": [
        "tests/cms/test_page_cache.py::test_an_rsvp_changes_the_places_left_on_the_next_request",
        "tests/events/test_event_pages.py::test_event_page_shows_chicago_time_map_link_and_rsvp",
    ],
    "events/services.py": [
        "test_an_rsvp_past_capacity_is_waitlisted",
        "tests/events/test_rsvp.py::test_past_capacity_goes_to_the_waitlist_or_is_refused",
        "tests/events/test_waitlist.py::test_cancelling_then_coming_back_goes_to_the_back",
        "tests/events/test_rsvp_concurrency.py::test_forty_at_once_fill_ten_places_and_queue_the_rest",
    ],
    # NotKept, the view-restriction condition every public list of pages carries, and
    # Keeps, every page's own restrictions (SUBSTR and LENGTH on both backends).
    "cms/routing.py": [
        "tests/security/test_translated_restrictions.py::test_a_translation_of_a_restricted_page_is_kept_too",
        "tests/security/test_translated_restrictions.py::test_a_restricted_section_keeps_the_translations_under_it",
        "tests/security/test_restricted_aliases.py::test_an_alias_of_a_page_under_a_restricted_section_is_kept",
        "tests/security/test_restricted_aliases.py::test_an_alias_made_after_the_restriction_asks_for_one_password",
        "tests/cms/test_restricted_pages.py::test_a_restricted_bulletin_leaves_archives_feeds_search_and_home",
        "tests/security/test_translated_restrictions.py::test_the_translation_leaves_sitemap_feeds_search_listings_and_home",
        "tests/security/test_restricted_aliases.py::test_an_alias_of_an_alias_is_kept",
        "tests/security/test_restricted_aliases.py::test_the_password_opens_the_alias_and_public_aliases_stay_listed",
    ],
    # SELECT 1, the readiness probe.
    "cms/health.py": [
        "tests/cms/test_health.py::test_ready_when_every_service_answers_and_beat_is_recent"
    ],
}
# An expression's own as_sql writes SQL by hand too.
RAW_SQL = re.compile(r"cursor\.execute\(|\.raw\(|RawSQL\(|\.extra\(|def as_sql\(")


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate limits and memos in a cache of this test's own."""
    use_private_caches(settings, "portable-sql")
    from campaigns.selectors import clear_petition_copies

    clear_petition_copies()
    yield
    clear_petition_copies()


def test_every_raw_sql_module_is_registered():
    found = set()
    for app in ("cms", "subscribers", "events", "campaigns"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if RAW_SQL.search(path.read_text()):
                found.add(str(path.relative_to(ROOT)))
    assert found == set(RAW_SQL_MODULES), (
        "new raw SQL: register the module here with a test of its public flow"
    )
    for names in RAW_SQL_MODULES.values():
        for name in names:
            module, _, function = name.rpartition("::")
            if module:
                source = (ROOT / module).read_text()
                assert f"def {function}(" in source, f"{name} exists"
            else:
                assert name in globals(), f"{name} exists"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def sign(client, petition, email, name="Ana Morales"):
    return client.post(
        reverse("campaigns:sign", args=[petition.pk]),
        {"name": name, "email": email, "zip_code": "60608", "website": ""},
    )


def test_signing_counts_reaches_milestones_once_and_erase_takes_one_off(home_page):
    """PostgreSQL signs in one CTE statement; SQLite inserts, then counts with
    UPDATE ... RETURNING. Erasing a signer runs the decrement (no GREATEST on SQLite)."""
    campaign = CampaignFactory(milestone_thresholds=[1, 2, 10])
    petition = build_petition_page(home_page, campaign)
    client = Client()

    assert sign(client, petition, "ana.morales@example.org").status_code == 303
    assert sign(client, petition, "li.wei@example.org", "Li Wei").status_code == 303
    assert sign(client, petition, "ANA.morales@example.org").status_code == 303
    assert counter_value(campaign_id=campaign.pk) == 2
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [1, 2]

    # The signer erases their data from the preferences page (a public flow).
    ana = make_subscriber("ana.morales@example.org")
    preferences = path_of(tokens.mailed_preferences_url(ana.pk, generation=0))
    erased = client.post(preferences, {"action": "erase", "confirm": "on"})
    assert erased.status_code == 303, "to the erased page, as a GET"
    assert Signature.objects.filter(campaign=campaign).count() == 1
    assert counter_value(campaign_id=campaign.pk) == 1
    assert Milestone.objects.filter(campaign=campaign).count() == 2, "history stays"

    # Never below zero, even if the count was corrected by hand in between.
    Counter.objects.filter(campaign=campaign).update(value=0)
    li = make_subscriber("li.wei@example.org")
    assert (
        client.post(
            path_of(tokens.mailed_preferences_url(li.pk, generation=0)),
            {"action": "erase", "confirm": "on"},
        ).status_code
        == 303
    )
    assert counter_value(campaign_id=campaign.pk) == 0


def test_a_mailbox_signs_once_whatever_its_tag(home_page):
    """ana+1@ and ana+2@ reach one inbox (so do Gmail's dotted and googlemail.com
    forms): one signature, whether PostgreSQL's statement or SQLite's insert decides.
    A repeat is answered exactly as a stranger's first signature, and each address is
    stored as typed."""
    campaign = CampaignFactory(milestone_thresholds=[1, 2, 3])
    petition = build_petition_page(home_page, campaign)
    client = Client()

    assert sign(client, petition, "ana+1@example.org").status_code == 303
    repeats = [
        sign(client, petition, email)
        for email in ("ana+2@example.org", "ANA@example.org", "ana+@example.org")
    ]
    stranger = sign(client, petition, "li.wei+news@gmail.com", "Li Wei")
    repeats.append(sign(client, petition, "liwei@googlemail.com", "Li Wei"))

    assert counter_value(campaign_id=campaign.pk) == 2
    assert sorted(
        Milestone.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    ) == [1, 2]
    assert sorted(
        item.email for item in Signature.objects.filter(campaign=campaign)
    ) == [
        "ana+1@example.org",
        "li.wei+news@gmail.com",
    ]
    for repeat in repeats:
        assert (repeat.status_code, repeat["Location"]) == (
            stranger.status_code,
            stranger["Location"],
        )
    # Another petition is another count: the mailbox signs it too.
    other = build_petition_page(home_page, CampaignFactory())
    assert sign(client, other, "ana+3@example.org").status_code == 303
    assert counter_value(campaign_id=other.campaign_id) == 1


def test_a_verified_signature_counts_once(home_page, outbox_dir):
    campaign = CampaignFactory(milestone_thresholds=[1])
    petition = build_petition_page(home_page, campaign, require_verification=True)
    client = Client()

    assert sign(client, petition, "omar@example.org").status_code == 303
    assert sign(client, petition, "omar@example.org").status_code == 303
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert counter_value(campaign_id=campaign.pk) == 0

    url = reverse(
        "verify_signature",
        args=[verification_token(signature_id=signature.pk)],
    )
    assert client.post(url).status_code in (200, 303)
    assert client.post(url).status_code in (200, 303)
    assert counter_value(campaign_id=campaign.pk) == 1
    assert Milestone.objects.filter(campaign=campaign, threshold=1).count() == 1


def test_a_confirmed_signup_counts_for_its_campaign(home_page):
    campaign = CampaignFactory(milestone_thresholds=[1])
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    join = home_page.add_child(
        instance=SignupPage(title="Join", slug="join", campaign=campaign)
    )
    join.save_revision().publish()
    client = Client()

    response = client.post(
        join.url,
        {
            "email": "ana@example.org",
            "name": "Ana",
            "zip_code": "60608",
            "language": "es",
            "lists": [legal.pk],
            "website": "",
        },
    )
    assert response.status_code in (200, 302)
    assert run_signup_requests() == 1  # the worker's part
    subscription = Subscription.objects.get()
    confirm = path_of(
        tokens.confirm_url(
            subscriber_id=subscription.subscriber_id,
            list_ids=[legal.pk],
            page_id=join.pk,
            language="es",
        )
    )
    assert client.post(confirm).status_code == 303, "to the result, as a GET"
    assert client.post(confirm).status_code == 303
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
    assert counter_value(campaign_id=campaign.pk, kind=Counter.Kind.SIGNUPS) == 1
    assert Milestone.objects.filter(campaign=campaign).count() == 1


def test_an_rsvp_past_capacity_is_waitlisted(home_page):
    event = build_event(
        title="Know Your Rights session",
        rsvp_mode="internal",
        capacity=1,
        waitlist=True,
    )
    client = Client()
    for email in ("ana@example.org", "li@example.org"):
        response = client.post(
            event.url + "rsvp/", {"name": "Ana", "email": email, "website": ""}
        )
        assert response.status_code == 303
    assert sorted(Rsvp.objects.values_list("status", flat=True)) == sorted(
        [Rsvp.Status.CONFIRMED, Rsvp.Status.WAITLISTED]
    )


def test_a_mailing_reaches_each_confirmed_reader_once(home_page, outbox_dir):
    """INSERT ... SELECT ... ON CONFLICT materialises deliveries; the claim is an
    UPDATE over a LIMITed subquery (FOR UPDATE SKIP LOCKED on PostgreSQL only)."""
    legal, outreach = MailingListFactory(), MailingListFactory()
    subscribe("ana@example.org", [legal, outreach], language="es")
    subscribe("li@example.org", [legal])
    subscribe("omar@example.org", [legal], status=Subscription.Status.PENDING)
    bulletin = build_bulletin(title="Resources for immigrants and refugees")
    mailing = Mailing.objects.create(
        page=bulletin, lane="bulk", status=Mailing.Status.STARTING
    )
    mailing.lists.set([legal, outreach])

    assert start_mailing(mailing_id=mailing.pk) == 2
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    assert start_mailing(mailing_id=mailing.pk) == 2, "a second run adds nothing"
    # The start rendered one language; the first batch renders the other.
    assert render_pending(mailing_id=mailing.pk) == 1

    first = sending.claim_deliveries(mailing_id=mailing.pk, limit=1)
    second = sending.claim_deliveries(mailing_id=mailing.pk, limit=1)
    assert first is not None
    assert second is not None
    assert first != second
    assert sending.claim_deliveries(mailing_id=mailing.pk, limit=1) is None
    tokens_claimed = Delivery.objects.values_list("batch_token", flat=True)
    assert set(tokens_claimed) == {first, second}, "disjoint claims"

    sending.release_deliveries(first)
    sending.release_deliveries(second)
    assert sending.send_batch(mailing_id=mailing.pk) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.get(subscriber__language="es").language == "es", (
        "each reader in their own language (English content in Spanish chrome)"
    )
