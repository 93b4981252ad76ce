"""Staff create keys and endpoints (secrets shown once), revoke keys, read the logs and
resend deliveries; nobody grants what they could not see themselves."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from cms.partners import keys
from cms.partners.models import ApiKey, WebhookDelivery, WebhookEndpoint
from events.models import EventPage
from subscribers.models import ListPermission
from tests.factories import UserFactory

from .conftest import auth

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"ona_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def key_form(world, **overrides) -> dict:
    data = {
        "name": "Sign-in sheets",
        "partner": "The Resurrection Project",
        "actions": ["sign", "read_aggregates"],
        "lists": [world.list_a.pk],
        "export_lists": [],
        "campaigns": [world.campaign_a.pk],
        "events": [world.event_a.pk],
        "rate_limit_per_minute": "0",
    }
    data.update(overrides)
    return data


def test_a_key_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("partners_keys:add"), key_form(world))
    assert response.status_code == 200
    html = response.content.decode()
    token = TOKEN.search(html).group(0)
    assert "shown only once" in html
    assert (
        "no-store" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    key = ApiKey.objects.get()
    assert key.created_by == world.staff
    assert token not in str(ApiKey.objects.values().get())
    # It works at once, and no admin page shows it again.
    assert client.get("/api/v1/key/", **auth(token)).status_code == 200
    for url in (
        reverse("partners_keys:index"),
        reverse("partners_keys:edit", args=[key.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert token not in page.content.decode()

    # Revoking asks first, then refuses the key at once.
    assert client.get(reverse("partners_keys:revoke", args=[key.pk])).status_code == 200
    client.post(reverse("partners_keys:revoke", args=[key.pk]))
    assert ApiKey.objects.get().revoked_at is not None
    assert client.get("/api/v1/key/", **auth(token)).status_code == 401


def test_staff_grant_only_lists_they_may_see(client, world):
    group = Group.objects.create(name="Outreach")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "partners"],
            codename__in=["access_admin", "add_apikey", "change_apikey", "view_apikey"],
        )
    )
    ListPermission.objects.create(
        group=group, mailing_list=world.list_a, permission="view"
    )
    user = UserFactory(username="outreach")
    user.groups.add(group)
    client.force_login(user)

    refused = client.post(
        reverse("partners_keys:add"), key_form(world, lists=[world.list_b.pk])
    )
    assert refused.status_code == 200  # the form again, with the error
    assert ApiKey.objects.count() == 0
    # Adding people as confirmed needs the import grant too.
    refused = client.post(
        reverse("partners_keys:add"), key_form(world, actions=["signup_confirmed"])
    )
    assert ApiKey.objects.count() == 0
    assert "import permission" in refused.content.decode()
    # Campaigns and events only where this staff member may read their figures.
    refused = client.post(reverse("partners_keys:add"), key_form(world))
    assert ApiKey.objects.count() == 0
    accepted = client.post(
        reverse("partners_keys:add"), key_form(world, campaigns=[], events=[])
    )
    assert TOKEN.search(accepted.content.decode())
    assert ApiKey.objects.count() == 1


def test_staff_grant_only_campaigns_and_events_whose_figures_they_may_read(world):
    """A key reads its campaigns' counts and its events' attendance: a staff member
    allowed to make keys for one list could grant any campaign and any event, and so
    hand a partner figures they could not read themselves."""
    group = Group.objects.create(name="Outreach")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "partners"],
            codename__in=["access_admin", "add_apikey", "change_apikey"],
        )
    )
    ListPermission.objects.create(
        group=group, mailing_list=world.list_a, permission="view"
    )
    user = UserFactory(username="outreach")
    user.groups.add(group)

    def grant(**scope):
        return keys.create_api_key(
            user=user, name="k", partner="p", actions=["read_aggregates"], **scope
        )

    with pytest.raises(PermissionDenied):
        grant(lists=[world.list_a], campaigns=[world.campaign_a])
    with pytest.raises(PermissionDenied):
        grant(lists=[world.list_a], events=[world.event_a])
    assert ApiKey.objects.count() == 0

    # With the report and RSVP permissions, their own list's event only.
    group.permissions.add(
        Permission.objects.get(
            codename="view_campaign", content_type__app_label="campaigns"
        ),
        Permission.objects.get(codename="view_rsvp", content_type__app_label="events"),
    )
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    EventPage.objects.filter(pk=world.event_a.pk).update(rsvp_list=world.list_a)
    with pytest.raises(PermissionDenied):
        grant(lists=[world.list_a], events=[world.event_b])
    key, _token = grant(
        lists=[world.list_a], campaigns=[world.campaign_a], events=[world.event_a]
    )
    assert set(key.events.values_list("pk", flat=True)) == {world.event_a.pk}
    assert set(key.campaigns.values_list("pk", flat=True)) == {world.campaign_a.pk}


def test_endpoint_secret_is_shown_once_and_deliveries_can_be_resent(
    client, world, monkeypatch
):
    from cms.partners.webhooks import services as webhooks

    from .conftest import make_key

    queued = []
    monkeypatch.setattr(
        webhooks,
        "publish",
        lambda task, ids, on_failure=None: queued.extend(ids) or True,
    )

    key, _token = make_key(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("partners_webhooks:add"),
        {
            "api_key": key.pk,
            "url": "https://partner.example.org/hooks",
            "description": "",
            "event_types": ["signature.counted", "milestone.reached"],
            "active": "on",
        },
    )
    secret = re.search(r"whsec_[A-Za-z0-9+/=]{44}", response.content.decode()).group(0)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret  # decrypted for signing; encrypted at rest
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM partners_webhookendpoint")
        stored = bytes(cursor.fetchone()[0])
    assert secret.encode() not in stored
    page = client.get(reverse("partners_webhooks:edit", args=[endpoint.pk]))
    assert secret not in page.content.decode()

    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="signature.counted",
        event_key="signature.counted:1",
        message_id="msg_1",
        data={"signature": 1},
        occurred_at=endpoint.created_at,
        status=WebhookDelivery.Status.FAILED,
        attempts=7,
    )
    index = client.get(reverse("partners_deliveries:index"))
    assert index.status_code == 200
    assert "signature.counted" in index.content.decode()
    assert client.get(reverse("partners_deliveries:add")).status_code in (302, 403)
    client.post(reverse("partners_deliveries:resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert queued == [delivery.pk]
    assert client.get(reverse("partners_reads:index")).status_code == 200


def test_plain_http_endpoints_are_refused_unless_allowed(client, world, settings):
    from .conftest import make_key

    settings.PARTNER_WEBHOOK_ALLOW_HTTP = False
    key, _token = make_key(world)
    client.force_login(world.staff)
    client.post(
        reverse("partners_webhooks:add"),
        {
            "api_key": key.pk,
            "url": "http://partner.example.org/hooks",
            "event_types": ["signature.counted"],
            "active": "on",
        },
    )
    assert WebhookEndpoint.objects.count() == 0


def test_an_edit_by_limited_staff_keeps_what_they_cannot_see(client, world):
    """The edit form offers only the lists, campaigns and events its user may grant;
    saving it set the key's grants to what was ticked there, so an outreach worker who
    renamed a key silently took away the lists, campaigns and events an administrator
    had granted beyond their view, and a partner's integration broke."""
    key, _token = keys.create_api_key(
        user=world.staff,
        name="Sign-in sheets",
        partner="The Resurrection Project",
        actions=["sign", "read_aggregates"],
        lists=[world.list_a, world.list_b],
        export_lists=[world.list_b],
        campaigns=[world.campaign_a],
        events=[world.event_a, world.event_b],
    )
    group = Group.objects.create(name="Outreach")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "partners"],
            codename__in=["access_admin", "change_apikey", "view_apikey"],
        )
    )
    ListPermission.objects.create(
        group=group, mailing_list=world.list_a, permission="view"
    )
    user = UserFactory(username="outreach")
    user.groups.add(group)
    client.force_login(user)

    url = reverse("partners_keys:edit", args=[key.pk])
    page = client.get(url).content.decode()
    assert "you cannot see" in page
    response = client.post(
        url,
        key_form(
            world,
            name="Sign-in sheets (renamed)",
            lists=[world.list_a.pk],
            campaigns=[],
            events=[],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key.refresh_from_db()
    assert key.name == "Sign-in sheets (renamed)"
    assert set(key.lists.all()) == {world.list_a, world.list_b}
    assert set(key.export_lists.all()) == {world.list_b}
    assert set(key.campaigns.all()) == {world.campaign_a}
    assert set(key.events.all()) == {world.event_a, world.event_b}

    # What they can see, they can still take away.
    client.post(
        url, key_form(world, lists=[], campaigns=[], events=[], actions=["sign"])
    )
    assert set(key.lists.all()) == {world.list_b}
