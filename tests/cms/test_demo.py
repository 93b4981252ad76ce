import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from cms.models import HomePage
from subscribers.models import MailingList, Subscriber, Subscription
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "lists": sorted(MailingList.objects.values_list("name", "lead_organisation")),
        "subscribers": Subscriber.objects.count(),
        "languages": sorted(set(Subscriber.objects.values_list("language", flat=True))),
        "subscriptions": sorted(
            Subscription.objects.values_list(
                "subscriber__email_hash", "mailing_list__slug", "status"
            )
        ),
        "home_pages": sorted(
            HomePage.objects.values_list("locale__language_code", "title", "live")
        ),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "users": sorted(
            get_user_model().objects.values_list("username", "is_superuser")
        ),
        "site_root": Site.objects.get(is_default_site=True).root_page.specific_class,
    }


def test_load_demo_builds_the_seed_content_and_is_idempotent(demo_content):
    first = snapshot()
    call_command("load_demo", stdout=open(demo_content / "out2", "w"))
    second = snapshot()

    assert first == second
    assert [name for name, _ in first["lists"]] == [
        "Community Outreach/Education",
        "Employer Communications/Diversity Training",
        "Legal Protection/Services",
        "Mental Health/Well-being",
    ]
    assert ("Legal Protection/Services", "National Immigrant Justice Center") in first[
        "lists"
    ]
    assert first["subscribers"] >= 24
    assert first["languages"] == sorted(LANGUAGES)
    assert len(first["home_pages"]) == 6
    assert all(live for *_, live in first["home_pages"])
    assert first["site_root"] is HomePage
    assert {"ONA staff", "Organizers"} <= set(first["groups"])
    # The outbox holds everyone's mail: administrators only (SECURITY.md).
    assert not Group.objects.filter(
        permissions__codename="browse_outbox",
        permissions__content_type__app_label="cms",
    ).exists()
    assert ("admin", True) in first["users"]

    password = (demo_content / "demo-admin-password").read_text().strip()
    assert f"Admin login: admin / {password}" in (demo_content / "out2").read_text()
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_demo_documents_are_served_with_their_own_etag(client, demo_content):
    """Made in code, the demo's PDFs had no hash: Wagtail served them with `ETag: ""`,
    and a request with `If-None-Match: ""` got a 304 for any of them."""
    from wagtail.documents import get_document_model

    documents = list(get_document_model().objects.all())
    assert documents
    for document in documents:
        assert len(document.file_hash) == 40
        assert document.file_size > 0
        response = client.get(document.url, HTTP_IF_NONE_MATCH='""')
        assert response.status_code == 200
        assert response["ETag"] == f'"{document.file_hash}"'


def test_demo_addresses_keep_the_letters_of_accented_names():
    """'Luis Hernández' was luis.hernndez@example.org: the accented letter dropped."""
    from subscribers.demo import DEMO_PEOPLE, demo_email

    addresses = {name: demo_email(name) for name, _language, _zip in DEMO_PEOPLE}
    assert addresses["Luis Hernández"] == "luis.hernandez@example.org"
    assert addresses["Krzysztof Zieliński"] == "krzysztof.zielinski@example.org"
    for name, address in addresses.items():
        local = address.removesuffix("@example.org")
        assert len(local) == len(name), (name, address)
