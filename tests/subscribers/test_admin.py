"""Staff admin: list counts, scoped subscriber listings, CSV import and export."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subscribers.crypto import lookup_hash
from subscribers.models import ListPermission, Subscriber, Subscription, Suppression
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    return (
        MailingListFactory(name="Legal Protection/Services", slug="legal"),
        MailingListFactory(name="Mental Health/Well-being", slug="mental-health"),
    )


@pytest.fixture
def people(lists):
    legal, health = lists
    ana = make_subscriber("ana@example.org", name="Ana", language="es")
    raj = make_subscriber("raj@example.org", name="=HYPERLINK(1)", language="hi")
    Subscription.objects.create(
        subscriber=ana, mailing_list=legal, status="confirmed", source="signup"
    )
    Subscription.objects.create(
        subscriber=raj, mailing_list=health, status="pending", source="import"
    )
    return ana, raj


@pytest.fixture
def legal_staff(lists):
    """A subcommittee member who may see only the legal list."""
    group = Group.objects.create(name="Legal subcommittee")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for permission in ("view", "import"):
        ListPermission.objects.create(
            group=group, mailing_list=lists[0], permission=permission
        )
    user = UserFactory(username="legal")
    user.groups.add(group)
    return user


def export_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_list_index_counts_by_status_and_language(client, people):
    client.force_login(SuperuserFactory(username="boss"))
    response = client.get(reverse("mailing_lists:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 (Español (Spanish) 1)" in body, "languages by name (issue 13)"
    assert "1 (हिन्दी (Hindi) 1)" in body


def test_subcommittee_sees_and_exports_only_its_list(client, people, legal_staff):
    client.force_login(legal_staff)
    index = client.get(reverse("subscribers_admin:index"))
    assert index.status_code == 200
    body = index.content.decode()
    assert "ana@example.org" in body
    assert "raj@example.org" not in body

    health_pk = Subscription.objects.get(subscriber=people[1]).mailing_list_id
    filtered = client.get(
        reverse("subscribers_admin:index"), {"mailing_list": health_pk}
    )
    assert "raj@example.org" not in filtered.content.decode()

    rows = export_rows(client.get(reverse("subscribers_admin:export")))
    assert [row["email"] for row in rows] == ["ana@example.org"]
    forced = export_rows(
        client.get(reverse("subscribers_admin:export"), {"mailing_list": health_pk})
    )
    assert forced == []

    lists_page = client.get(reverse("mailing_lists:index")).content.decode()
    assert "Legal Protection/Services" in lists_page
    assert "Mental Health/Well-being" not in lists_page


def test_lists_user_can(legal_staff, lists):
    from subscribers.selectors import lists_user_can

    assert list(lists_user_can(legal_staff, "view")) == [lists[0]]
    assert list(lists_user_can(legal_staff, "send")) == []
    boss = SuperuserFactory(username="boss")
    assert set(lists_user_can(boss, "send")) == set(lists)


def test_staff_without_list_permission_gets_403(client, people):
    user = UserFactory(username="nobody")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client.force_login(user)
    for name in ("index", "export", "import"):
        response = client.get(reverse(f"subscribers_admin:{name}"))
        assert response.status_code in (302, 403), name
        assert b"ana@example.org" not in response.content


def test_seeing_a_list_does_not_allow_importing_into_it(client, lists, legal_staff):
    """An import adds confirmed subscribers: it takes its own grant, not "view"."""
    ListPermission.objects.filter(permission="import").delete()
    client.force_login(legal_staff)
    listing = client.get(reverse("subscribers_admin:index"))
    assert listing.status_code == 200
    assert reverse("subscribers_admin:import") not in listing.content.decode()
    # Wagtail answers a refused admin screen with a redirect to the dashboard.
    assert client.get(reverse("subscribers_admin:import")).status_code in (302, 403)
    text = "email,name,language,zip,lists\nnew@example.org,New,en,,legal\n"
    response = client.post(reverse("subscribers_admin:import"), {"file": upload(text)})
    assert response.status_code in (302, 403)
    assert not Subscriber.objects.exists(), "nothing imported"


def test_search_is_an_exact_address_match(client, people):
    client.force_login(SuperuserFactory(username="boss"))
    found = client.get(reverse("subscribers_admin:index"), {"q": "ANA@example.org "})
    body = found.content.decode()
    assert "ana@example.org" in body
    assert "raj@example.org" not in body


def test_export_neutralises_formula_cells(client, people):
    client.force_login(SuperuserFactory(username="boss"))
    rows = export_rows(client.get(reverse("subscribers_admin:export")))
    names = {row["email"]: row["name"] for row in rows}
    assert names["raj@example.org"] == "'=HYPERLINK(1)"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_import_reports_every_rejected_row(client, lists, legal_staff):
    make_subscriber("left@example.org")
    Subscription.objects.create(
        subscriber=Subscriber.objects.get(),
        mailing_list=lists[0],
        status="unsubscribed",
        source="signup",
    )
    Suppression.objects.create(
        email_hash=lookup_hash("bounced@example.org"), reason="hard_bounce"
    )
    text = (
        "E-mail,Name,Language,ZIP,Lists\n"
        "new@example.org,Nueva,es,60608,legal\n"
        "NEW@example.org,Dup,es,,legal\n"
        "bad-address,X,en,,legal\n"
        "bounced@example.org,B,en,,legal\n"
        "other@example.org,O,en,,mental-health\n"
        '"cr@example.org","Ana\rBcc",en,,legal\n'
        "lang@example.org,L,Spanish,,legal\n"
        "left@example.org,Left,en,,legal\n"
    )
    client.force_login(legal_staff)
    response = client.post(reverse("subscribers_admin:import"), {"file": upload(text)})
    assert response.status_code == 200
    report = response.context["report"]
    reasons = dict(report.rejected)
    assert set(reasons) == {3, 4, 5, 6, 7, 8}, reasons
    assert reasons[3] == "duplicate of line 2"
    assert reasons[4] == "not a valid e-mail address"
    assert reasons[5] == "suppressed address: never mailed again"
    assert reasons[6].startswith("unknown list or no permission")
    assert "line breaks" in reasons[7]
    # A language name is refused with the values that are accepted.
    assert reasons[8] == (
        "unknown language “Spanish”: use one of en, es, hi, zh-hans, ar, pl"
    )
    assert "language (one of en, es, hi, zh-hans, ar, pl; empty: en)" in (
        client.get(reverse("subscribers_admin:import")).content.decode()
    )
    assert (report.created, report.subscribed, report.already) == (1, 1, 1)
    new = Subscription.objects.get(
        subscriber__email_hash=lookup_hash("new@example.org")
    )
    assert (new.status, new.source) == ("confirmed", "import")
    assert new.consented_at is not None
    left = Subscription.objects.get(
        subscriber__email_hash=lookup_hash("left@example.org")
    )
    assert left.status == "unsubscribed"
    assert not Subscriber.objects.with_email("bounced@example.org").exists()


def test_import_rejects_unreadable_files_without_writing(client, lists):
    client.force_login(SuperuserFactory(username="boss"))
    for content in (b"\xff\xfe\x00bad", b"name,lists\nAna,legal\n", b""):
        response = client.post(
            reverse("subscribers_admin:import"),
            {"file": SimpleUploadedFile("x.csv", content)},
        )
        assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_row_views_are_scoped_even_with_model_permissions(client, people, legal_staff):
    group = legal_staff.groups.get()
    for codename in ("change_subscription", "delete_subscription"):
        group.permissions.add(Permission.objects.get(codename=codename))
    own = Subscription.objects.get(subscriber=people[0])
    other = Subscription.objects.get(subscriber=people[1])
    client.force_login(legal_staff)
    for name in ("edit", "delete", "history", "usage"):
        url = reverse(f"subscribers_admin:{name}", args=[other.pk])
        assert client.get(url).status_code == 404, name
    assert (
        client.post(reverse("subscribers_admin:delete", args=[other.pk])).status_code
        == 404
    )
    assert Subscription.objects.filter(pk=other.pk).exists()
    assert (
        client.get(reverse("subscribers_admin:edit", args=[own.pk])).status_code == 200
    )


def test_staff_suppress_and_lift_by_address(client, lists):
    client.force_login(SuperuserFactory(username="boss"))
    add = client.post(
        reverse("suppression:add"),
        {"email": "Bounced@Example.org", "reason": "hard_bounce"},
    )
    assert add.status_code == 302
    suppression = Suppression.objects.get()
    assert suppression.email_hash == lookup_hash("bounced@example.org")
    again = client.post(
        reverse("suppression:add"), {"email": "bounced@example.org", "reason": "staff"}
    )
    assert again.status_code == 200
    assert Suppression.objects.count() == 1
    found = client.get(reverse("suppression:index"), {"q": "bounced@example.org"})
    body = found.content.decode()
    assert "hard bounce" in body
    assert body.count("bounced@example.org") == 1, "only the search box echoes it"
    client.post(reverse("suppression:delete", args=[suppression.pk]))
    assert not Suppression.objects.exists()


def test_subcommittee_cannot_manage_suppressions(client, legal_staff):
    client.force_login(legal_staff)
    response = client.get(reverse("suppression:index"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("value", ["9223372036854775808", "x", "-1", "٣"])
def test_bad_list_filter_is_not_a_500(client, people, value):
    client.force_login(SuperuserFactory(username="boss"))
    index = client.get(reverse("subscribers_admin:index"), {"mailing_list": value})
    assert index.status_code == 200
    export = client.get(reverse("subscribers_admin:export"), {"mailing_list": value})
    assert export.status_code == 200
    assert export_rows(export) == []


def menu_labels(html: str) -> dict[str, str]:
    """{url: label} of the admin sidebar's menu items (Wagtail draws it from JSON)."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    found = {}

    def walk(value):
        if isinstance(value, dict):
            if "url" in value and "label" in value:
                found[value["url"]] = value["label"]
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(props.group(1)))
    return found


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Subscriptions"), ("es", "Suscripciones"), ("ar", "الاشتراكات")],
)
def test_menu_item_and_page_title_agree(client, people, language, expected):
    """The page lists subscriptions (a row per person and list): its menu item says so."""
    from wagtail.users.models import UserProfile

    user = SuperuserFactory()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    url = reverse("subscribers_admin:index")
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?) - ", html).group(1)
    assert title == expected
    assert menu_labels(html)[url] == title
