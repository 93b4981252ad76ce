import pytest
from django.core.management import call_command
from wagtail.models import Revision

from subscribers.models import SignupPage

pytestmark = pytest.mark.django_db


def test_demo_signup_page_in_six_languages_idempotent(client, demo_content):
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=open(demo_content / "out2", "w"))
    assert Revision.objects.count() == revisions
    pages = SignupPage.objects.live()
    assert sorted(pages.values_list("locale__language_code", flat=True)) == [
        "ar",
        "en",
        "es",
        "hi",
        "pl",
        "zh-hans",
    ]
    arabic = client.get(pages.get(locale__language_code="ar").url)
    assert arabic.status_code == 200
    body = arabic.content.decode()
    assert 'dir="rtl"' in body
    assert "انضم إلى قوائمنا" in body
    assert "الحماية والخدمات القانونية" in body, "the list's Arabic name (issue 13)"
    assert "Legal Protection/Services" not in body
