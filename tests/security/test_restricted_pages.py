"""A page or document behind Wagtail's privacy settings, as a reader meets it: the
password form in the site's look and the reader's language, naming nothing the
password keeps."""

import json
from pathlib import Path

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import build_bulletin, translate_page
from tests.security.production import https_client

pytestmark = pytest.mark.django_db

TRANSLATIONS = json.loads(
    (Path(__file__).parents[2] / "locale/translations/fix-restricted.json").read_text()
)
TITLE, SUMMARY = "قائمة الملاجئ السرية", "عناوين الملاجئ الثلاثة في الحي"


@pytest.fixture
def kept_bulletin(home_page):
    """An Arabic bulletin behind a password."""
    english = build_bulletin(
        title="Secret shelter list", summary="The three shelters' addresses"
    )
    arabic = translate_page(english, "ar", title=TITLE, summary=SUMMARY)
    PageViewRestriction.objects.create(
        page=arabic, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    return arabic


def test_the_password_form_is_the_site_s_in_the_reader_s_language(
    production, kept_bulletin
):
    """The tester's report: Wagtail's bare form (no viewport, no header, no language
    switcher), tiny on a phone and English-looking on an Arabic page."""
    client = https_client()
    response = client.get(kept_bulletin.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert kept_bulletin.url.startswith("/ar/")
    assert '<html lang="ar" dir="rtl">' in text
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    )
    assert 'class="site-header"' in text
    assert 'class="language-switcher"' in text
    assert 'class="site-search"' in text
    prompt = TRANSLATIONS["You need a password to see this page."]["ar"]
    assert prompt in text
    assert TRANSLATIONS["Password required"]["ar"] in text
    # Nothing of what the password keeps: title, summary, share tags.
    for kept in (TITLE, SUMMARY, "Secret shelter", "og:", "twitter:", "canonical"):
        assert kept not in text, kept

    # A wrong password says so in Arabic, still naming nothing.
    door = PageViewRestriction.objects.get().pk
    action = f"/ar/_util/authenticate_with_password/{door}/{kept_bulletin.pk}/"
    assert f'action="{action}"' in text
    wrong = client.post(action, {"password": "nope", "return_url": kept_bulletin.url})
    assert wrong.status_code == 200
    wrong_text = wrong.content.decode()
    assert TRANSLATIONS["This password is not correct. Please try again."]["ar"] in (
        wrong_text
    )
    assert TITLE not in wrong_text
    assert SUMMARY not in wrong_text

    # The right one still opens the page.
    right = client.post(action, {"password": "rally", "return_url": kept_bulletin.url})
    assert right.status_code == 302
    assert right["Location"] == kept_bulletin.url
    opened = client.get(kept_bulletin.url)
    assert opened.status_code == 200
    assert TITLE in opened.content.decode()


def test_a_page_for_signed_in_users_asks_in_the_site_s_look(production, home_page):
    """The "logged-in users" privacy sends readers to Wagtail's sign-in, which was as
    bare as its password form."""
    from tests.factories import UserFactory

    english = build_bulletin(title="Staff roster", summary="Who is on call")
    arabic = translate_page(english, "ar", title=TITLE, summary=SUMMARY)
    PageViewRestriction.objects.create(
        page=arabic, restriction_type=PageViewRestriction.LOGIN
    )
    client = https_client()
    redirect = client.get(arabic.url)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith("/ar/_util/login/?next=/ar/")
    sign_in = client.get(redirect["Location"])
    assert sign_in.status_code == 200
    text = sign_in.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    )
    assert 'class="site-header"' in text
    assert 'class="language-switcher"' in text
    assert TRANSLATIONS["This page is only for signed-in staff."]["ar"] in text
    for kept in (TITLE, SUMMARY, "og:"):
        assert kept not in text, kept

    UserFactory(username="organizer", password="a long enough passphrase")
    signed_in = client.post(
        "/ar/_util/login/",
        {
            "username": "organizer",
            "password": "a long enough passphrase",
            "next": arabic.url,
        },
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == arabic.url
    assert TITLE in client.get(arabic.url).content.decode()


def test_a_document_behind_a_password_asks_in_the_site_s_look(production):
    """Documents in a password-kept collection had Wagtail's bare form too."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    private = root.add_child(name="Task force only")
    CollectionViewRestriction.objects.create(
        collection=private,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="rally",
    )
    document = get_document_model()(title="Shelter addresses", collection=private)
    document.file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=False)
    document.save()

    response = https_client().get(document.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    )
    assert 'class="site-header"' in text
    assert "You need a password to open this document." in text
    assert "Shelter addresses" not in text
    assert "Task force only" not in text


def switcher_links(text: str) -> list[tuple[str, str]]:
    import re

    nav = text[text.index('class="language-switcher"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)


def test_a_wrong_password_answer_keeps_the_language_switcher(production, kept_bulletin):
    """Readers' report: the first form had the language switcher, the answer to a
    wrong password (at Wagtail's _util/ address) had none."""
    client = https_client()
    first = client.get(kept_bulletin.url).content.decode()
    door = PageViewRestriction.objects.get().pk
    action = f"/ar/_util/authenticate_with_password/{door}/{kept_bulletin.pk}/"
    wrong = client.post(action, {"password": "nope", "return_url": kept_bulletin.url})
    assert wrong.status_code == 200
    text = wrong.content.decode()
    assert text.count('class="language-switcher"') == first.count(
        'class="language-switcher"'
    )
    links = switcher_links(text)
    assert links == switcher_links(first)
    assert (kept_bulletin.url, "ar") in links
    assert len(links) > 1
    assert "_util" not in " ".join(url for url, _code in links)
    # Still naming nothing the password keeps.
    for kept in (TITLE, SUMMARY):
        assert kept not in text
