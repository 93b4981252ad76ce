"""Staff admin: list counts, scoped subscriber listings, CSV import and export."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from subscribers import services
from subscribers.crypto import lookup_hash
from subscribers.models import ListPermission, Subscriber, Subscription, Suppression
from subscribers.tasks import send_confirmation_task
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    make_subscriber,
    staff_member,
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
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfemail,"), "a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


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


@pytest.fixture
def coordinator(lists):
    """Sees every list and the suppressions, imports into the legal list only."""
    group = Group.objects.create(name="Coordinators")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        Permission.objects.get(codename="view_suppression"),
    )
    for mailing_list in lists:
        ListPermission.objects.create(
            group=group, mailing_list=mailing_list, permission="view"
        )
    ListPermission.objects.create(
        group=group, mailing_list=lists[0], permission="import"
    )
    user = UserFactory(username="coordinator")
    user.groups.add(group)
    return user


def test_import_reports_every_rejected_row(client, lists, coordinator):
    """The full report, for staff who see every list and the suppressions. A
    list-scoped importer's: test_import_tells_a_list_scoped_importer_nothing_..."""
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
    client.force_login(coordinator)
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


@pytest.fixture
def priya(lists):
    """On the mental health list only, with the details she gave for it."""
    person = make_subscriber(
        "priya@example.org", name="Priya Patel", language="hi", zip_code="60659"
    )
    Subscription.objects.create(
        subscriber=person,
        mailing_list=lists[1],
        status="confirmed",
        source="signup",
        consented_at=timezone.now(),
    )
    return person


def import_one(client, email: str, lists: str = "legal"):
    """Import one row that says no more than the address (no name, English, no ZIP)."""
    text = f"email,name,language,zip,lists\n{email},,en,,{lists}\n"
    return client.post(reverse("subscribers_admin:import"), {"file": upload(text)})


def report_html(response) -> str:
    body = response.content.decode()
    return re.search(r'<section class="import-report">.*?</section>', body, re.S)[0]


def queued_confirmations(monkeypatch) -> list[tuple]:
    queued: list[tuple] = []
    monkeypatch.setattr(
        send_confirmation_task, "delay", lambda *args: queued.append(args)
    )
    return queued


HER_DETAILS = ("Priya Patel", "60659", "Hindi", "हिन्दी")


def listing_table(response) -> str:
    """The listing itself, "" when nothing matched (the filters around it name every
    language)."""
    found = re.search(
        r'<table class="listing.*?</table>', response.content.decode(), re.S
    )
    return found[0] if found else ""


def test_import_tells_a_list_scoped_importer_nothing_about_other_lists(
    client,
    lists,
    people,
    priya,
    legal_staff,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Privacy audit: one-row imports told a legal staffer whether an address was on
    another list ("New subscribers: 0") or suppressed, and attached the known person
    as confirmed, so the legal export showed the name, ZIP and language she gave the
    mental health list."""
    legal = lists[0]
    Suppression.objects.create(
        email_hash=lookup_hash("gone@example.org"), reason="erased"
    )
    queued = queued_confirmations(monkeypatch)
    client.force_login(legal_staff)
    reports = {}
    for email in (
        "priya@example.org",  # on a list legal staff cannot see
        "stranger@example.org",
        "gone@example.org",  # erased: never mailed again
        "ana@example.org",  # already on the legal list
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = import_one(client, email)
        assert response.status_code == 200
        reports[email] = report_html(response)

    assert reports["priya@example.org"] == reports["stranger@example.org"]
    assert reports["gone@example.org"] == reports["ana@example.org"]
    assert "New subscribers" not in reports["stranger@example.org"]
    assert "suppressed" not in reports["gone@example.org"]
    not_added = "Not added (already on the list, left it, or may not be mailed): 1"
    assert not_added in reports["gone@example.org"]

    # She joins the legal list only by confirming herself; nothing else is mailed.
    joined = Subscription.objects.get(subscriber=priya, mailing_list=legal)
    assert (joined.status, joined.source, joined.consented_at) == (
        "pending",
        "import",
        None,
    )
    assert queued == [(priya.pk, [legal.pk], None, "hi")]
    stranger = Subscription.objects.get(
        subscriber__email_hash=lookup_hash("stranger@example.org")
    )
    assert stranger.status == "confirmed"
    assert not Subscriber.objects.with_email("gone@example.org").exists()

    # Nothing she gave the other list reaches the legal staffer's screens.
    export = client.get(reverse("subscribers_admin:export"))
    rows = {row["email"]: row for row in export_rows(export)}
    assert set(rows) == {"ana@example.org", "priya@example.org", "stranger@example.org"}
    her_row = rows["priya@example.org"]
    assert (her_row["name"], her_row["language"], her_row["zip_code"]) == ("", "", "")
    assert (her_row["status"], rows["stranger@example.org"]["language"]) == (
        "pending",
        "en",
    )
    pages = [
        client.get(reverse("subscribers_admin:index")),
        client.get(reverse("subscribers_admin:index"), {"language": "hi"}),
        client.get(reverse("mailing_lists:index")),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    tables = [listing_table(page) for page in pages]
    assert "priya@example.org" in tables[0]
    assert "priya@example.org" not in tables[1], "filtered by her language"
    assert "Legal Protection/Services" in tables[2]
    for table in tables:
        for detail in HER_DETAILS:
            assert detail not in table, detail
    by_hindi = client.get(reverse("subscribers_admin:export"), {"language": "hi"})
    assert export_rows(by_hindi) == []

    # Once she confirms, she is on the list by her own word, details and all.
    services.confirm_subscription(subscriber_id=priya.pk, list_ids=[legal.pk])
    rows = {
        row["email"]: row
        for row in export_rows(client.get(reverse("subscribers_admin:export")))
    }
    her_row = rows["priya@example.org"]
    assert (her_row["name"], her_row["language"], her_row["zip_code"]) == (
        "Priya Patel",
        "hi",
        "60659",
    )


def test_a_signup_typed_for_someone_shows_no_details_until_they_confirm(
    client, lists, priya, legal_staff, monkeypatch
):
    """The public form's door to the same details: legal staff type her address into
    the legal signup form and look at the pending row."""
    queued_confirmations(monkeypatch)
    services.request_signup(
        email="priya@example.org",
        language="en",
        list_ids=[lists[0].pk],
        source=Subscription.Source.SIGNUP,
    )
    client.force_login(legal_staff)
    rows = export_rows(client.get(reverse("subscribers_admin:export")))
    assert [
        (row["email"], row["name"], row["language"], row["zip_code"]) for row in rows
    ] == [("priya@example.org", "", "", "")]
    body = listing_table(client.get(reverse("subscribers_admin:index")))
    assert "priya@example.org" in body
    for detail in HER_DETAILS:
        assert detail not in body, detail


def test_staff_who_see_every_list_get_the_detailed_report(
    client, lists, priya, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    """They see her on the other list anyway: she joins at once, as before."""
    queued = queued_confirmations(monkeypatch)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = import_one(client, "priya@example.org")
    report = response.context["report"]
    assert (report.created, report.subscribed, report.awaiting) == (0, 1, 0)
    assert "New subscribers: 0" in report_html(response)
    joined = Subscription.objects.get(subscriber=priya, mailing_list=lists[0])
    assert joined.status == "confirmed"
    assert queued == []


def test_someone_the_importer_already_sees_joins_at_once(
    client, lists, priya, legal_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Seen with her details on a list the importer may view: nothing new to learn."""
    ListPermission.objects.create(
        group=legal_staff.groups.get(), mailing_list=lists[1], permission="view"
    )
    other = MailingListFactory(name="Jobs", slug="jobs")
    ListPermission.objects.create(
        group=legal_staff.groups.get(), mailing_list=other, permission="import"
    )
    queued = queued_confirmations(monkeypatch)
    client.force_login(legal_staff)
    with django_capture_on_commit_callbacks(execute=True):
        import_one(client, "priya@example.org", lists="legal;jobs")
    statuses = set(
        Subscription.objects.filter(subscriber=priya).values_list("status", flat=True)
    )
    assert statuses == {"confirmed"}
    assert queued == []


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

    user = staff_member(language)
    client.force_login(user)
    url = reverse("subscribers_admin:index")
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?) - ", html).group(1)
    assert title == expected
    assert menu_labels(html)[url] == title


def test_import_stores_a_zip_code_in_ascii_digits(client, lists, coordinator):
    """A spreadsheet typed on an Arabic or Hindi keyboard holds ٦٠٦٠٨ or ६०६०८: the
    ZIP 60608, found by an alert's ZIP prefix; a superscript or a fraction is not."""
    text = (
        "E-mail,Name,Language,ZIP,Lists\n"
        "ar@example.org,A,ar,٦٠٦٠٨,legal\n"
        "hi@example.org,H,hi,६०६०८,legal\n"
        "odd@example.org,O,en,½0608,legal\n"
    )
    client.force_login(coordinator)
    response = client.post(reverse("subscribers_admin:import"), {"file": upload(text)})
    assert dict(response.context["report"].rejected) == {4: "not a valid ZIP code"}
    assert sorted(Subscriber.objects.values_list("zip_code", flat=True)) == [
        "60608",
        "60608",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Subscriber #{number} on Legal Protection/Services: confirmed"),
        (
            "es",
            "Suscripción del suscriptor n.º {number} a Legal Protection/Services: "
            "confirmada",
        ),
        ("ar", "اشتراك المشترك رقم {number} في Legal Protection/Services: مؤكد"),
    ],
)
def test_a_list_usage_page_names_each_subscription_in_the_staff_language(
    client, people, lists, language, expected
):
    """A list's Usage page showed "#10 on 2 (confirmed)" for each subscription: two
    bare ids and an English status, in any admin language."""
    from wagtail.users.models import UserProfile

    user = SuperuserFactory()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    ana = people[0]
    html = client.get(reverse("mailing_lists:usage", args=[lists[0].pk])).content
    names = [
        re.sub(r"\s+", " ", name).strip()
        for name in re.findall(
            r'<td class="title">.*?<a [^>]*>(.*?)</a>', html.decode(), re.S
        )
    ]
    assert names == [expected.format(number=ana.pk)]
    # The field each one uses the list through, in the staff member's language too.
    fields = [
        re.sub(r"\s+", " ", field).strip()
        for field in re.findall(
            r'#:w:contentpath=[^"]*">(.*?)</a>', html.decode(), re.S
        )
    ]
    assert fields == [
        {"en": "Mailing list", "es": "Lista de correo", "ar": "القائمة البريدية"}[
            language
        ]
    ]
