"""Signed outgoing webhooks: verified by the reference library, retried with backoff,
scoped to the partner's key, personal data only with the export scope, and never sent
from the request that caused them."""

import socket
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from cms.partners.models import (
    EventType,
    PersonalDataRead,
    WebhookDelivery,
    WebhookEndpoint,
)
from cms.partners.webhooks import addresses
from cms.partners.webhooks import services as webhooks
from tests.smtp_sink import free_port

from .conftest import make_key, person, post
from .receiver import Receiver

pytestmark = pytest.mark.django_db
ALL_TYPES = list(EventType.values)


@pytest.fixture
def queued(monkeypatch):
    """Deliveries beat hands to the broker, collected here instead (the worker test
    sends them through a real worker)."""
    ids: list[int] = []

    def publish(task, delivery_ids, on_failure=None):
        ids.extend(delivery_ids)
        return True

    monkeypatch.setattr(webhooks, "publish", publish)
    return ids


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def endpoint_for(world, receiver, path: str, *, types=ALL_TYPES, **key_scope):
    key, token = make_key(world, **key_scope)
    endpoint, secret = webhooks.create_endpoint(
        user=world.staff, api_key=key, url=receiver.url(path), event_types=types
    )
    receiver.secrets[path] = secret
    return endpoint, token


def sign(client, world, token, email: str, callbacks_fixture):
    with callbacks_fixture(execute=True):
        response = post(
            client,
            f"/api/v1/petitions/{world.petition_a.pk}/signatures/",
            {"person": person(email)},
            token,
        )
    assert response.status_code == 202


def test_a_delivery_is_signed_per_standard_webhooks(
    client, world, receiver, queued, django_capture_on_commit_callbacks
):
    endpoint, token = endpoint_for(world, receiver, "/hooks")
    sign(client, world, token, "ana@example.org", django_capture_on_commit_callbacks)
    assert queued == []  # the request only records it
    assert webhooks.send_due() == 1  # beat queues it
    (delivery_id,) = queued
    assert webhooks.send_delivery(delivery_id=delivery_id) is True
    assert receiver.bad_signatures == []
    (message_id,) = receiver.accepted_ids("/hooks")
    payload = receiver.payloads["/hooks"][message_id]
    delivery = WebhookDelivery.objects.get()
    assert message_id == delivery.message_id
    assert payload["type"] == "signature.counted"
    assert payload["data"] == {
        "campaign": world.campaign_a.pk,
        "petition": world.petition_a.pk,
        "signature": delivery.data["signature"],
    }
    assert "ana@example.org" not in str(payload)
    assert delivery.status == "succeeded"
    # Sent twice by the broker: sent once.
    assert webhooks.send_delivery(delivery_id=delivery_id) is False
    assert receiver.requests == 1


def test_a_tampered_or_foreign_signature_fails_verification(receiver):
    import time

    from cms.partners.webhooks import signing

    secret, other = signing.new_secret(), signing.new_secret()
    receiver.secrets["/hooks"] = secret
    body = b'{"type":"signature.counted"}'
    for key, sent in ((other, body), (secret, body + b" ")):
        headers = signing.headers(
            key, message_id="msg_1", timestamp=int(time.time()), body=body
        )
        requests.post(receiver.url("/hooks"), data=sent, headers=headers, timeout=10)
    assert len(receiver.bad_signatures) == 2


def test_failures_back_off_then_give_up(client, world, queued, settings):
    settings.PARTNER_WEBHOOK_RETRY_SCHEDULE = [0.0, 0.0]
    broken = Receiver(fail_every=tuple(range(10))).start()
    try:
        endpoint, token = endpoint_for(world, broken, "/hooks")
        ids = webhooks.record_event(
            event_type="signature.counted",
            event_key="signature.counted:1",
            data={"signature": 1},
            campaign_id=world.campaign_a.pk,
        )
        for attempt in (1, 2, 3):
            assert webhooks.send_delivery(delivery_id=ids[0]) is False
            delivery = WebhookDelivery.objects.get()
            assert delivery.attempts == attempt
            assert delivery.last_status_code == 500
            webhooks.send_due()
        assert delivery.status == "failed"
        assert broken.requests == 3
        assert WebhookEndpoint.objects.get().paused_until is None  # it answered
    finally:
        broken.stop()


def test_a_down_receiver_never_blocks_the_request_and_pauses_its_endpoint(
    client, world, queued, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.PARTNER_WEBHOOK_RETRY_SCHEDULE = [30.0, 60.0]
    key, token = make_key(world)
    webhooks.create_endpoint(
        user=world.staff,
        api_key=key,
        url=f"http://127.0.0.1:{free_port()}/nobody-home",
        event_types=ALL_TYPES,
    )

    def no_http(*args, **kwargs):
        raise AssertionError("the web request must not call the receiver")

    with monkeypatch.context() as patched:
        patched.setattr(requests, "post", no_http)
        sign(
            client, world, token, "ana@example.org", django_capture_on_commit_callbacks
        )
        sign(client, world, token, "bo@example.org", django_capture_on_commit_callbacks)
    assert queued == []  # not even the broker is called from the request
    assert webhooks.send_due() == 2

    assert webhooks.send_delivery(delivery_id=queued[0]) is False
    first = WebhookDelivery.objects.get(pk=queued[0])
    assert first.status == "pending"
    assert first.last_error == "ConnectionError"
    assert first.next_attempt_at > timezone.now() + timedelta(seconds=20)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.paused_until > timezone.now()
    # The backlog waits with the endpoint instead of each holding a worker.
    assert webhooks.send_delivery(delivery_id=queued[1]) is False
    second = WebhookDelivery.objects.get(pk=queued[1])
    assert (second.status, second.attempts) == ("pending", 0)
    assert second.next_attempt_at == endpoint.paused_until
    queued.clear()
    assert webhooks.send_due() == 0
    # While paused, new events are recorded to wait for the end of the pause.
    webhooks.forget_endpoints()  # other processes see the pause within 5 s
    sign(client, world, token, "cy@example.org", django_capture_on_commit_callbacks)
    third = WebhookDelivery.objects.latest("pk")
    assert third.next_attempt_at == endpoint.paused_until
    assert webhooks.send_due() == 0
    assert queued == []


def test_only_endpoints_in_scope_hear_of_an_event_and_people_only_with_export(
    client, world, receiver, queued, django_capture_on_commit_callbacks
):
    exporter, token = endpoint_for(world, receiver, "/exporter")
    counts_only, _token = endpoint_for(world, receiver, "/counts", export_lists=[])
    elsewhere, _token = endpoint_for(
        world,
        receiver,
        "/elsewhere",
        lists=[world.list_b],
        export_lists=[world.list_b],
        campaigns=[world.campaign_b],
        events=[world.event_b],
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            "/api/v1/people/",
            {
                "person": person("ana@example.org", language="es"),
                "lists": [world.list_a.pk],
                "consent": {"statement": "Sí", "given_at": timezone.now().isoformat()},
            },
            token,
        )
    assert sorted(
        WebhookDelivery.objects.values_list("endpoint_id", flat=True)
    ) == sorted([exporter.pk, counts_only.pk])
    assert webhooks.send_due() == 2
    for delivery_id in queued:
        assert webhooks.send_delivery(delivery_id=delivery_id) is True
    (with_person,) = receiver.payloads["/exporter"].values()
    (without,) = receiver.payloads["/counts"].values()
    assert with_person["data"]["person"]["email_addresses"] == [
        {"address": "ana@example.org", "primary": True}
    ]
    assert with_person["data"]["lists"] == [world.list_a.pk]
    assert "person" not in without["data"]
    assert "ana@example.org" not in str(without)
    assert "/elsewhere" not in receiver.payloads
    read = PersonalDataRead.objects.get()
    assert (read.channel, read.api_key_id, read.records) == (
        "webhook",
        exporter.api_key_id,
        1,
    )
    # Nothing personal is kept in the delivery rows.
    assert "ana@example.org" not in str(list(WebhookDelivery.objects.values()))


def test_event_changes_rsvps_and_milestones_become_events(
    client, world, receiver, queued, django_capture_on_commit_callbacks
):
    world.campaign_a.milestone_thresholds = [2]
    world.campaign_a.save()
    endpoint, token = endpoint_for(world, receiver, "/hooks")
    event = world.event_a
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            f"/api/v1/events/{event.pk}/attendances/",
            {"person": person("ana@example.org")},
            token,
        )
    sign(client, world, token, "one@example.org", django_capture_on_commit_callbacks)
    sign(client, world, token, "two@example.org", django_capture_on_commit_callbacks)
    event.refresh_from_db()

    def publish(**changes):
        # Each publish is its own request (and transaction) in the admin.
        for name, value in changes.items():
            setattr(event, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            event.save_revision().publish()

    publish()  # nothing calendars care about changed: no event
    publish(start=event.start + timedelta(hours=1), end=event.end + timedelta(hours=1))
    publish(cancelled=True)
    kinds = sorted(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert kinds == [
        "event.cancelled",
        "event.updated",
        "milestone.reached",
        "rsvp.confirmed",
        "signature.counted",
        "signature.counted",
    ]
    update = WebhookDelivery.objects.get(event_type="event.updated")
    assert update.data == {"event": event.pk, "sequence": 1, "cancelled": False}
    milestone = WebhookDelivery.objects.get(event_type="milestone.reached")
    assert milestone.data["threshold"] == 2


def test_a_waitlisted_guest_is_announced_when_promoted(
    world, receiver, queued, django_capture_on_commit_callbacks
):
    """rsvp.confirmed follows the place, not the row: not for a waitlisted guest,
    then once when a cancellation gives them the place."""
    from events.models import EventPage
    from events.rsvps import cancel_rsvp
    from events.services import record_rsvp

    endpoint_for(world, receiver, "/hooks")
    event = world.event_a
    EventPage.objects.filter(pk=event.pk).update(capacity=1, waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = record_rsvp(
            event_id=event.pk, name="Ana", email="ana@example.org", language="en"
        )
        second = record_rsvp(
            event_id=event.pk, name="Li", email="li@example.org", language="zh-hans"
        )
    assert second.status == "waitlisted"
    announced = WebhookDelivery.objects.filter(event_type="rsvp.confirmed")
    assert [d.data["attendance"] for d in announced] == [first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        cancel_rsvp(rsvp_id=first.pk)
    assert sorted(d.data["attendance"] for d in announced.all()) == sorted(
        [first.pk, second.pk]
    )


def test_lost_claims_and_messages_are_sent_again(world, receiver, queued, settings):
    endpoint, _token = endpoint_for(world, receiver, "/hooks")
    ids = webhooks.record_event(
        event_type="signature.counted",
        event_key="signature.counted:9",
        data={"signature": 9},
        campaign_id=world.campaign_a.pk,
    )
    long_ago = timezone.now() - timedelta(minutes=10)
    # A worker died while sending: the claim is old.
    WebhookDelivery.objects.filter(pk=ids[0]).update(
        status="sending", claimed_at=long_ago, queued_at=long_ago
    )
    queued.clear()
    assert webhooks.send_due() == 1
    assert queued == ids
    WebhookDelivery.objects.update(queued_at=None)  # as if that message were lost too
    # A batch that runs out of time leaves the rest to the next sweep.
    assert webhooks.send_batch(delivery_ids=ids, budget=-1) == 0
    assert WebhookDelivery.objects.get().queued_at is None
    assert webhooks.send_due() == 1
    assert webhooks.send_batch(delivery_ids=ids) == 1
    assert receiver.accepted_ids("/hooks") == {
        WebhookDelivery.objects.get().message_id: 1
    }
    assert settings.CELERY_BEAT_SCHEDULE["partners-send-due-webhooks"]["task"] == (
        "cms.partners.tasks.send_due_webhooks_task"
    )


def test_revoked_keys_and_disabled_endpoints_get_nothing(world, receiver, queued):
    from cms.partners.keys import revoke_api_key

    endpoint, _token = endpoint_for(world, receiver, "/hooks")
    ids = webhooks.record_event(
        event_type="signature.counted",
        event_key="signature.counted:5",
        data={"signature": 5},
        campaign_id=world.campaign_a.pk,
    )
    revoke_api_key(user=world.staff, key_id=endpoint.api_key_id)
    assert webhooks.send_delivery(delivery_id=ids[0]) is False
    assert WebhookDelivery.objects.get().status == "cancelled"
    assert receiver.requests == 0
    assert (
        webhooks.record_event(
            event_type="signature.counted",
            event_key="signature.counted:6",
            data={"signature": 6},
            campaign_id=world.campaign_a.pk,
        )
        == []
    )


def test_a_receiver_on_the_citys_own_network_is_never_called(world, settings):
    """An endpoint whose host is a loopback or private address (here a real receiver
    on 127.0.0.1, as an internal service would be) made the worker POST into the
    city's network and the admin show each service's status: a port scan for whoever
    may register endpoints. Refused before any connection, and not retried."""
    settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    internal = Receiver().start()
    try:
        endpoint_for(world, internal, "/hooks")
        ids = webhooks.record_event(
            event_type="signature.counted",
            event_key="signature.counted:1",
            data={"signature": 1},
            campaign_id=world.campaign_a.pk,
        )
        assert webhooks.send_delivery(delivery_id=ids[0]) is False
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "failed"
        assert delivery.last_status_code is None
        assert internal.requests == 0
        # The same receiver is reached where private addresses are allowed (tests,
        # development): the refusal above is the address's, nothing else.
        settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
        WebhookDelivery.objects.update(status="pending", attempts=0)
        assert webhooks.send_delivery(delivery_id=ids[0]) is True
        assert internal.requests == 1
    finally:
        internal.stop()


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://10.0.0.5/hooks", False),
        ("https://169.254.169.254/latest/", False),
        ("https://[::1]:8443/", False),
        ("https://[::ffff:127.0.0.1]/", False),
        ("https://localhost/", False),
        ("https://8.8.8.8/hooks", True),
        ("https://[2001:4860:4860::8888]/hooks", True),
        # IPv6 addresses that carry an IPv4 one: a NAT64 gateway (64:ff9b::/96, the
        # network of an IPv6-only deployment) or a 6to4 relay delivers to the IPv4
        # address inside, which Python's is_global does not look at.
        ("https://[64:ff9b::a00:5]/hooks", False),
        ("https://[64:ff9b::a9fe:a9fe]/latest/", False),
        ("https://[64:ff9b:1::a00:5]/hooks", False),
        ("https://[2002:a00:5::1]/hooks", False),
        ("https://[::10.0.0.5]/hooks", False),
        ("https://[64:ff9b::808:808]/hooks", True),
    ],
)
def test_only_public_addresses_are_receivers(settings, url, public):
    settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert addresses.public_host(url) is public


def test_a_name_that_turns_private_after_the_check_is_never_connected_to(
    world, settings, monkeypatch
):
    """DNS rebinding: a name with a TTL of zero answered a public address to the check
    and 127.0.0.1 to the connection requests made next, and the worker POSTed into
    the city's network after all. The connection goes only to an address checked as
    it connects. (The resolver is the outside service faked here, at its boundary.)"""
    settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    internal = Receiver().start()
    resolve = socket.getaddrinfo
    answers = []

    def rebinding(host, port, *args, **kwargs):
        if host != "hooks.rebind.test":
            return resolve(host, port, *args, **kwargs)
        address = "93.184.215.14" if not answers else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        key, _token = make_key(world)
        webhooks.create_endpoint(
            user=world.staff,
            api_key=key,
            url=f"http://hooks.rebind.test:{internal.port}/hooks",
            event_types=ALL_TYPES,
        )
        ids = webhooks.record_event(
            event_type="signature.counted",
            event_key="signature.counted:1",
            data={"signature": 1},
            campaign_id=world.campaign_a.pk,
        )
        assert webhooks.send_delivery(delivery_id=ids[0]) is False
        assert answers[0] == "93.184.215.14"  # the first check passed
        assert "127.0.0.1" in answers  # and the name turned private
        assert internal.requests == 0
        delivery = WebhookDelivery.objects.get()
        assert delivery.last_status_code is None
        assert delivery.last_error
    finally:
        internal.stop()


def test_each_key_knows_a_subscriber_by_an_id_of_its_own(
    client, world, receiver, queued, django_capture_on_commit_callbacks
):
    """subscription.confirmed carried the subscriber's row number to every key: two
    partners (one for each list) could join their events into 'this person is on
    both lists', and a partner could count everyone who ever subscribed. Each key
    now gets an id of its own for the person, stable across that key's events."""
    from subscribers.models import Subscriber

    both = [world.list_a, world.list_b]
    _writer, token = endpoint_for(
        world, receiver, "/both", lists=both, export_lists=both
    )
    endpoint_for(world, receiver, "/a", export_lists=[])
    endpoint_for(world, receiver, "/b", lists=[world.list_b], export_lists=[])
    for lists in ([world.list_a.pk, world.list_b.pk],):
        with django_capture_on_commit_callbacks(execute=True):
            post(
                client,
                "/api/v1/people/",
                {
                    "person": person("ana@example.org", language="es"),
                    "lists": lists,
                    "consent": {
                        "statement": "Sí",
                        "given_at": timezone.now().isoformat(),
                    },
                },
                token,
            )
    webhooks.send_due()
    for delivery_id in queued:
        assert webhooks.send_delivery(delivery_id=delivery_id) is True
    pk = Subscriber.objects.get().pk
    ids = {}
    for path in ("/both", "/a", "/b"):
        for payload in receiver.payloads[path].values():
            assert payload["type"] == "subscription.confirmed"
            ids.setdefault(path, set()).add(payload["data"]["subscriber"])
            if "person" in payload["data"]:
                assert payload["data"]["person"]["id"] == payload["data"]["subscriber"]
    assert [p["data"]["lists"] for p in receiver.payloads["/b"].values()] == [
        [world.list_b.pk]
    ]
    found = [next(iter(found)) for found in ids.values()]
    assert len(set(found)) == 3, "one id per key"
    assert pk not in found
    assert str(pk) not in found
