"""Every admin URL as every role: an explicit permission matrix, and never a 500.

The URL list comes from the resolver, so a view added later is walked too; a project
namespace missing from MATRIX fails the test until someone decides who may see it.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Collection

from campaigns.mailings.models import Mailing
from campaigns.models import Signature
from events.models import Rsvp
from subscribers.crypto import lookup_hash
from subscribers.models import ListPermission, Subscription, Suppression
from subscribers.tokens import preferences_url
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    build_event,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "link_holder", "editor", "organizer", "admin")

# Screens open to anyone: login, logout and password-reset forms, static catalogues.
PUBLIC_ADMIN = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "javascript_catalog",  # wagtail_localize's jsi18n
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
}

# Project screens: which logged-in roles may open them (GET). Anyone else is refused.
# editor: subcommittee member with VIEW on the legal list, and the "view RSVP" and
# "delete RSVP" model permissions; organizer: SEND on legal.
MATRIX = {
    "campaigns_mailings": {"organizer", "admin"},
    "cms_outbox": {"admin"},
    "cms_email_preview": {"admin"},
    "mailing_lists": {"editor", "admin"},
    "subscribers_admin": {"editor", "admin"},
    "suppression": {"admin"},
    # RSVPs of the events offering the legal list, names without addresses.
    "rsvps": {"editor", "admin"},
    "campaigns_admin": {"admin"},
    # Check-in lists: the "Can use the check-in list of events" permission, which
    # neither list-scoped role holds here.
    "events_checkin": {"admin"},
    # Partner keys, webhook endpoints and their logs (cms.partners): staff with the
    # partners model permissions; here the administrator.
    "partners_keys": {"admin"},
    "partners_webhooks": {"admin"},
    "partners_deliveries": {"admin"},
    "partners_reads": {"admin"},
}
# Within an allowed namespace, views that only an admin may use.
# (Importing takes its own "import" grant, which neither list-scoped role holds here.)
ADMIN_ONLY_VIEWS = {
    "mailing_lists": {
        "add",
        "edit",
        "delete",
        "copy",
        "history",
        "history_results",
        "usage",
    },
    "subscribers_admin": {
        "import",
        "add",
        "edit",
        "copy",
        "delete",
        "history",
        "history_results",
        "usage",
    },
    # Deleting an RSVP is an administrator's (an erasure request), whatever model
    # permission a group holds; the history is behind the same permission.
    "rsvps": {"delete", "history", "history_results"},
}
# RSVPs are read-only for everyone, staff admin included.
NOBODY = {
    "rsvps": {"add", "edit", "copy", "usage"},
    # A row needs its person and list, which only the signup, an import or a partner
    # gives: the add form offered Status alone and answered 500 on saving.
    "subscribers_admin": {"add"},
    # Logs the platform writes: looked at, never added or edited.
    "partners_deliveries": {"add", "edit"},
    "partners_reads": {"add", "edit"},
}
# POST-only actions whose GET answers 405 for whoever may use them.


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.name


def concrete(route: str, ids: dict) -> str | None:
    if ".*" in route:
        return None  # catch-alls

    def value(match):
        kind, name = match.group(1) or "str", match.group(2)
        if name in ids:
            return str(ids[name])
        return "1" if kind == "int" else "x"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", "auth", path)  # django-admin app_list
    path = path.replace("^", "").replace("$", "")
    if "(" in path:
        path = re.sub(r"\(.*?\)\??", "", path).replace("\\d+", "1").replace("/.*", "/x")
    return "/" + path


def admin_routes():
    for route, namespace, name in walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "django-admin/")):
            yield route, namespace, name


def make_user(role, legal):
    if role == "admin":
        return SuperuserFactory(username="staff-admin")
    access = Permission.objects.get(codename="access_admin")
    group = Group.objects.create(name=f"group-{role}")
    group.permissions.add(access)
    if role == "editor":
        group.permissions.add(
            *Permission.objects.filter(codename__in=["view_rsvp", "delete_rsvp"])
        )
    ListPermission.objects.create(
        group=group,
        mailing_list=legal,
        permission="view" if role == "editor" else "send",
    )
    user = UserFactory(username=role)
    user.groups.add(group)
    return user


@pytest.fixture
def world(home_page):
    # Transactional tests elsewhere flush the root collection Wagtail's migration made.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    legal = MailingListFactory(name="Legal", slug="legal")
    outreach = MailingListFactory(name="Outreach", slug="outreach")
    ana = subscribe("ana@example.org", [legal])
    omar = subscribe("omar@example.org", [outreach])
    campaign = CampaignFactory(slug="hate-has-no-place")
    Signature.objects.create(
        campaign=campaign,
        name="Ana",
        email="ana@example.org",
        email_hash=lookup_hash("ana@example.org"),
        zip_code="60601",
        status=Signature.Status.VERIFIED,
        created_at=timezone.now(),
        verified_at=timezone.now(),
    )
    event = build_event()
    legal_event = build_event(title="Legal clinic", rsvp_list=legal)
    know_your_rights = build_event(title="Know Your Rights", rsvp_list=outreach)
    rsvp = guest(legal_event, "Ana", "ana@example.org")
    other_rsvp = guest(know_your_rights, "Omar", "omar@example.org")
    # An event that offers no list belongs to no subcommittee.
    unlisted_rsvp = guest(event, "Luz", "luz@example.org")
    suppression = Suppression.objects.create(
        email_hash=lookup_hash("gone@example.org"), reason="erased"
    )
    legal_mailing = Mailing.objects.create(page=home_page, lane="bulk")
    legal_mailing.lists.set([legal])
    other_mailing = Mailing.objects.create(page=home_page, lane="bulk")
    other_mailing.lists.set([outreach])
    return {
        "legal": legal,
        "outreach": outreach,
        "home": home_page,
        "event": event,
        "campaign": campaign,
        "rsvp": rsvp,
        "other_rsvp": other_rsvp,
        "unlisted_rsvp": unlisted_rsvp,
        "suppression": suppression,
        "legal_mailing": legal_mailing,
        "other_mailing": other_mailing,
        "legal_subscription": Subscription.objects.get(subscriber=ana),
        "other_subscription": Subscription.objects.get(subscriber=omar),
    }


def guest(event, name: str, email: str) -> Rsvp:
    return Rsvp.objects.create(
        event=event,
        name=name,
        email=email,
        email_hash=lookup_hash(email),
        status=Rsvp.Status.CONFIRMED,
    )


def ids_for(namespace, world, *, other=False) -> dict:
    """Path values: the legal list's objects (or, with other=True, the other list's)."""
    pk = {
        "campaigns_mailings": world["other_mailing" if other else "legal_mailing"].pk,
        "mailing_lists": world["outreach" if other else "legal"].pk,
        "subscribers_admin": world[
            "other_subscription" if other else "legal_subscription"
        ].pk,
        "suppression": world["suppression"].pk,
        "rsvps": world["other_rsvp" if other else "rsvp"].pk,
        "campaigns_admin": world["campaign"].pk,
    }.get(namespace, 1)
    return {
        "pk": pk,
        "page_id": world["event"].pk,
        "parent_page_id": world["home"].pk,
        "name": "nothing-here.eml",
    }


def outcome(response) -> str:
    """allow, deny (403 or Wagtail's redirect to login or dashboard), or missing."""
    code = response.status_code
    assert code < 500, f"{response.request['PATH_INFO']} answered {code}"
    location = response.get("Location", "")
    if code == 403 or (
        code == 302 and ("/login/" in location or location == "/admin/")
    ):
        return "deny"
    if code in (404, 405, 400):
        return "missing"
    return "allow"


def client_for(role, users, client):
    if role in ("anonymous", "link_holder"):
        return client
    client.force_login(users[role])
    return client


def expected(role, namespace, name) -> set:
    key = f"{namespace}:{name}" if namespace else name
    if key in PUBLIC_ADMIN or name in PUBLIC_ADMIN:
        return {"allow", "deny", "missing"}  # open to all; only a 500 is wrong
    if role in ("anonymous", "link_holder"):
        return {"deny"}
    if name in NOBODY.get(namespace, ()):
        return {"deny"}
    if namespace in MATRIX:
        if role not in MATRIX[namespace] or (
            role != "admin" and name in ADMIN_ONLY_VIEWS.get(namespace, ())
        ):
            return {"deny", "missing"}
        return {"allow", "missing"}
    return {"allow", "deny", "missing"}  # Wagtail's own screens: never a 500


@pytest.fixture
def users(world):
    return {
        role: make_user(role, world["legal"])
        for role in ("editor", "organizer", "admin")
    }


def test_every_admin_url_as_every_role_follows_the_matrix(client, world, users):
    namespaces = {namespace for _, namespace, _ in admin_routes() if namespace}
    unknown = {
        ns
        for ns in namespaces
        if ns not in MATRIX and ns != "admin" and not ns.startswith("wagtail")
    }  # Wagtail's and Django's own screens: their own permissions, never a 500
    assert not unknown, f"admin namespaces with no row in MATRIX: {unknown}"
    # A subscriber-link holder carries a valid preferences cookie-less token, nothing else.
    client.get(preferences_url(world["legal_subscription"].subscriber_id))
    routes = [
        (path, namespace, name)
        for route, namespace, name in admin_routes()
        if (path := concrete(route, ids_for(namespace, world))) is not None
    ]
    walked, wrong = 0, []
    # One login per role (not per request): the walk is about the answers, and a
    # session write per GET made it the slowest test of the suite.
    for role in ROLES:
        client.logout()
        if role in users:
            client.force_login(users[role])
        for path, namespace, name in routes:
            if name == "wagtailadmin_error_test" and role in users:
                continue  # Wagtail's deliberate 500, behind its login
            got = outcome(client.get(path))
            walked += 1
            if got not in expected(role, namespace, name):
                wrong.append(f"{role} GET {path} ({namespace}:{name}) -> {got}")
            if role in users and "_auth_user_id" not in client.session:
                client.force_login(users[role])  # that screen logged us out
    assert walked > 1000, walked
    assert not wrong, "\n".join(wrong)


def test_project_screens_open_for_the_roles_that_need_them(client, world, users):
    screens = {
        "organizer": [
            "/admin/mailings/",
            "/admin/mailings/new/",
            f"/admin/mailings/{world['legal_mailing'].pk}/",
            f"/admin/mailings/{world['legal_mailing'].pk}/report.csv",
        ],
        "editor": [
            "/admin/mailing_lists/",
            "/admin/subscribers_admin/",
            "/admin/subscribers_admin/export/",
            "/admin/rsvps/",
            f"/admin/rsvps/inspect/{world['rsvp'].pk}/",
        ],
        "admin": [
            "/admin/outbox/",
            f"/admin/email-preview/{world['event'].pk}/",
            "/admin/suppression/",
            "/admin/rsvps/",
            f"/admin/campaigns/report/{world['campaign'].pk}/",
            f"/admin/campaigns/report/{world['campaign'].pk}/signatures.csv",
        ],
    }
    for role, paths in screens.items():
        client.force_login(users[role])
        for path in paths:
            assert client.get(path).status_code == 200, (role, path)


def test_list_scoped_roles_cannot_reach_another_lists_objects(client, world, users):
    other = world["other_mailing"].pk
    client.force_login(users["organizer"])
    for path in (
        f"/admin/mailings/{other}/",
        f"/admin/mailings/{other}/progress.json",
        f"/admin/mailings/{other}/report.csv",
    ):
        assert outcome(client.get(path)) == "deny", path
    for action in ("send", "schedule", "pause", "resume", "cancel", "test"):
        response = client.post(
            f"/admin/mailings/{other}/{action}/", {"send_at": "2030-01-01T10:00"}
        )
        assert outcome(response) == "deny", action
    # Refused before the form is read: a bad date answers the same refusal.
    response = client.post(f"/admin/mailings/{other}/schedule/", {"send_at": "soon"})
    assert outcome(response) == "deny", "schedule with a bad date"
    world["other_mailing"].refresh_from_db()
    assert world["other_mailing"].status == Mailing.Status.DRAFT
    mine = client.get("/admin/mailings/").content.decode()
    assert f"/admin/mailings/{other}/" not in mine

    client.force_login(users["editor"])
    listing = client.get("/admin/subscribers_admin/")
    assert listing.status_code == 200
    other_sub = world["other_subscription"].pk
    assert f"/edit/{other_sub}/" not in listing.content.decode()
    export = b"".join(client.get("/admin/subscribers_admin/export/").streaming_content)
    assert b"ana@example.org" in export
    assert b"omar@example.org" not in export
    # The editor holds "view" only: no mailing may be created on its list.
    response = client.post(
        "/admin/mailings/new/",
        {"page": world["home"].pk, "lists": [world["legal"].pk], "lane": "bulk"},
    )
    assert outcome(response) == "deny"
    assert Mailing.objects.count() == 2


def rsvp_export(client, export_format: str = "csv") -> str:
    response = client.get(f"/admin/rsvps/?export={export_format}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else None
    if export_format == "csv":
        return (content or response.content).decode()
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content or response.content)).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_rsvp_viewers_see_their_lists_events_without_addresses(client, world, users):
    """The legal subcommittee reads who comes to the legal list's events, by name only
    (as on the check-in list): not the guests of outreach's Know Your Rights session
    nor of an event offering no list, on any screen or by direct URL."""
    client.force_login(users["editor"])
    listing = client.get("/admin/rsvps/").content.decode()
    assert "Ana" in listing
    assert "Omar" not in listing
    assert "Luz" not in listing
    for export_format in ("csv", "xlsx"):
        export = rsvp_export(client, export_format)
        assert "Legal clinic" in export
        assert "Ana" in export
        assert "@" not in export, export_format
        assert "E-mail address" not in export
        assert "Know Your Rights" not in export
        assert "Luz" not in export
    inspect = client.get(f"/admin/rsvps/inspect/{world['rsvp'].pk}/")
    assert inspect.status_code == 200
    assert "Ana" in inspect.content.decode()
    assert "ana@example.org" not in inspect.content.decode()
    for other in ("other_rsvp", "unlisted_rsvp"):
        path = f"/admin/rsvps/inspect/{world[other].pk}/"
        assert outcome(client.get(path)) == "missing", other


def test_only_an_administrator_deletes_an_rsvp(client, world, users):
    """People cancel their own RSVP and staff cancel the event; deleting one is an
    administrator's (an erasure request), even for a group given "delete RSVP"."""
    client.force_login(users["editor"])
    assert "/admin/rsvps/delete/" not in client.get("/admin/rsvps/").content.decode()
    for key, refusal in (("rsvp", "deny"), ("other_rsvp", "missing")):
        path = f"/admin/rsvps/delete/{world[key].pk}/"
        assert outcome(client.get(path)) == refusal, (key, "GET")
        assert outcome(client.post(path)) == refusal, (key, "POST")
    assert Rsvp.objects.count() == 3

    client.force_login(users["admin"])
    export = rsvp_export(client)
    for address in ("ana@example.org", "omar@example.org", "luz@example.org"):
        assert address in export
    inspect = client.get(f"/admin/rsvps/inspect/{world['other_rsvp'].pk}/")
    assert "omar@example.org" in inspect.content.decode()
    assert "/admin/rsvps/delete/" in client.get("/admin/rsvps/").content.decode()
    response = client.post(f"/admin/rsvps/delete/{world['other_rsvp'].pk}/")
    assert response.status_code == 302
    assert not Rsvp.objects.filter(pk=world["other_rsvp"].pk).exists()


def test_admin_post_actions_refuse_anonymous_and_link_holders(client, world):
    pk = world["legal_mailing"].pk
    for path in [
        f"/admin/mailings/{pk}/send/",
        f"/admin/mailings/{pk}/cancel/",
        "/admin/mailings/new/",
        "/admin/outbox/send-test/",
        f"/admin/email-preview/{world['event'].pk}/send-test/",
        "/admin/subscribers_admin/import/",
        f"/admin/suppression/delete/{world['suppression'].pk}/",
        f"/admin/campaigns/delete/{world['campaign'].pk}/",
    ]:
        response = client.post(path, {"lists": [world["legal"].pk]})
        assert outcome(response) == "deny", path
    assert Suppression.objects.count() == 1
    world["legal_mailing"].refresh_from_db()
    assert world["legal_mailing"].status == Mailing.Status.DRAFT


def test_django_admin_is_not_mounted(client, world):
    """One admin, one login form: Django's own admin would be a second door to the
    same accounts (it had one until hardening unmounted it)."""
    assert client.get("/django-admin/").status_code == 404
    assert client.post("/django-admin/login/", {"username": "x"}).status_code == 404


def test_no_copy_screen_changes_or_shows_another_lists_row(client, world, users):
    """Wagtail's copy screen loads any row and saves a POST onto it (found in the
    privacy audit: a Legal staffer with the subscription model permissions
    unsubscribed an Outreach member through /copy/<id>/)."""
    editor = users["editor"]
    editor.groups.first().permissions.add(
        *Permission.objects.filter(
            codename__in=["add_subscription", "change_subscription"]
        )
    )
    client.force_login(editor)
    other = world["other_subscription"]
    assert client.get(f"/admin/subscribers_admin/copy/{other.pk}/").status_code == 404
    response = client.post(
        f"/admin/subscribers_admin/copy/{other.pk}/", {"status": "unsubscribed"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Subscription.Status.CONFIRMED

    # Campaigns keep their copy screen (its form posts to the add view), but a POST to
    # the copy URL no longer rewrites the original.
    client.force_login(users["admin"])
    campaign = world["campaign"]
    copy_url = f"/admin/campaigns/copy/{campaign.pk}/"
    assert 'action="/admin/campaigns/new/"' in client.get(copy_url).content.decode()
    response = client.post(copy_url, {"name": "Renamed", "slug": "renamed"})
    assert response.status_code == 405
    campaign.refresh_from_db()
    assert campaign.slug == "hate-has-no-place"
