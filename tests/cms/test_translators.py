"""A language's translators edit and publish that language's pages, and nothing else.

Found by the translators' tester: the project set up no translator role, so a volunteer
was put in Wagtail's "Editors" group, which may edit every page in every language (the
English source too) and publish none: every translation waited for a staffer."""

import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, TranslationSource

from cms import demo
from tests.factories import SuperuserFactory, UserFactory, build_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin(client, home_page, django_capture_on_commit_callbacks):
    """An English bulletin a staffer sent for translation into Arabic and Polish with
    "Translate this page", as in the admin; drafts until someone publishes them."""
    bulletin = build_bulletin(
        title="Know your rights update", summary="Legal help: who to call."
    )
    client.force_login(SuperuserFactory(username="staff"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[bulletin.pk]),
            {"locales": [Locale.objects.get(language_code=c).pk for c in ("ar", "pl")]},
        )
    assert response.status_code == 302
    client.logout()
    demo.load_translator_groups()  # setup_site's and load_demo's step
    return bulletin


def translator(language: str):
    user = UserFactory(username=f"translator-{language}")
    user.groups.add(Group.objects.get(name=demo.translators_group_name(language)))
    return user


def in_(page, code):
    return page.get_translation(Locale.objects.get(language_code=code)).specific


def translate_title(page, code, text, path="title"):
    """What the translator's "Translate", typing and "Save" store in wagtail-localize."""
    source = TranslationSource.objects.get_for_instance(page)
    segment = source.stringsegment_set.get(context__path=path)
    StringTranslation.objects.create(
        translation_of=segment.string,
        locale=Locale.objects.get(language_code=code),
        context=segment.context,
        data=text,
    )


def denied(response) -> bool:
    """Wagtail's answer to a PermissionDenied in the admin: back to the dashboard with
    "Sorry, you do not have permission to access this area"."""
    return response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_home"
    )


def publish(client, page):
    """The translation editor's (and the page editor's) Publish button."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    return client.post(url, {"action": "publish", "action-publish": "publish"})


def test_a_polish_translator_publishes_the_polish_translation(
    client, bulletin, django_capture_on_commit_callbacks
):
    polish = in_(bulletin, "pl")
    assert not polish.live
    translate_title(bulletin, "pl", "Znaj swoje prawa")
    client.force_login(translator("pl"))

    editor = client.get(reverse("wagtailadmin_pages:edit", args=[polish.pk]))
    assert editor.status_code == 200
    assert '"canPublish": true' in html.unescape(editor.content.decode())

    with django_capture_on_commit_callbacks(execute=True):  # localize publishes then
        response = publish(client, polish)
    assert response.status_code == 302
    polish.refresh_from_db()
    assert polish.live
    assert polish.title == "Znaj swoje prawa"
    assert polish.live_revision.user.username == "translator-pl"


@pytest.mark.parametrize("code", ["ar", "en"])
def test_a_polish_translator_cannot_touch_other_languages(client, bulletin, code):
    page = bulletin if code == "en" else in_(bulletin, code)
    was_live, revisions = page.live, page.revisions.count()
    if code == "ar":
        translate_title(bulletin, "ar", "اعرف حقوقك")
    user = translator("pl")
    assert not page.permissions_for_user(user).can_edit()
    assert not page.permissions_for_user(user).can_publish()
    client.force_login(user)

    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert denied(editor)
    assert denied(publish(client, page))
    assert denied(client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk])))
    page.refresh_from_db()
    assert (page.live, page.revisions.count()) == (was_live, revisions)
    assert page.title == "Know your rights update"


def test_a_translator_cannot_start_translations_or_add_pages(client, bulletin):
    """New pages and translations are staff's ("Translate", "Sync translated pages"):
    without "add" a translator cannot move or copy pages within the language either."""
    user = translator("pl")
    polish = in_(bulletin, "pl")
    index, home = polish.get_parent(), polish.get_parent().get_parent()
    assert not index.permissions_for_user(user).can_add_subpage()
    assert not polish.permissions_for_user(user).can_move_to(home)
    assert not polish.permissions_for_user(user).can_copy_to(index)
    client.force_login(user)
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[bulletin.pk]),
        {"locales": [Locale.objects.get(language_code="es").pk]},
    )
    assert denied(response)
    assert (
        bulletin.get_translation_or_none(Locale.objects.get(language_code="es")) is None
    )


def test_setup_site_makes_a_translators_group_per_language(home_page):
    from django.core.management import call_command

    call_command("setup_site", stdout=None, stderr=None)
    call_command("setup_site", stdout=None, stderr=None)  # a rerun adds nothing
    names = set(Group.objects.values_list("name", flat=True))
    for code in ("es", "hi", "zh-hans", "ar", "pl"):
        assert demo.translators_group_name(code) in names
    assert demo.translators_group_name("en") not in names
    polish = Group.objects.get(name=demo.translators_group_name("pl"))
    assert sorted(
        polish.page_permissions.values_list(
            "page__locale__language_code", "page__depth", "permission__codename"
        )
    ) == [("pl", 2, "change_page"), ("pl", 2, "publish_page")]


def test_a_passage_changed_in_english_shows_its_earlier_translation_as_a_hint(
    client, bulletin
):
    """wagtail-localize keys a translation to the exact English text: after a sync a
    changed passage is a new string, shown untranslated in the editor with the
    translator's earlier work out of sight (it stays in wagtail-localize's tables).
    The editor now names each changed passage with that earlier translation."""
    from cms.translation_progress import untranslated_passages

    translate_title(bulletin, "pl", "Znaj swoje prawa")
    translate_title(bulletin, "pl", "Pomoc prawna: do kogo dzwonić.", path="summary")
    translate_title(bulletin, "ar", "مساعدة قانونية: بمن تتصل.", path="summary")
    polish = in_(bulletin, "pl")
    editor_url = reverse("wagtailadmin_pages:edit", args=[polish.pk])
    client.force_login(translator("pl"))
    assert "changed in English" not in client.get(editor_url).content.decode()

    bulletin.summary = "Legal help: who to call, and when."
    bulletin.save_revision().publish()
    client.force_login(SuperuserFactory(username="staff"))
    source = TranslationSource.objects.get_for_instance(bulletin)
    synced = client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), {}
    )
    assert synced.status_code == 302
    assert untranslated_passages(bulletin) == {"ar": 2, "pl": 1}
    arabic = reverse("wagtailadmin_pages:edit", args=[in_(bulletin, "ar").pk])
    client.force_login(translator("ar"))
    assert (
        '<span lang="ar" dir="rtl">مساعدة قانونية: بمن تتصل.</span>'
        in client.get(arabic).content.decode()
    )

    client.force_login(translator("pl"))
    editor = client.get(editor_url).content.decode()
    assert "1 passage changed in English since it was translated." in editor
    assert (
        'English now: <span lang="en" dir="ltr">Legal help: who to call, and when.</span>'
        in editor
    )
    assert (
        'English before: <span lang="en" dir="ltr">Legal help: who to call.</span>'
        in editor
    )
    assert (
        'Earlier translation: <span lang="pl" dir="ltr">Pomoc prawna: do kogo dzwonić.'
        "</span>" in editor
    )
    assert "Znaj swoje prawa</span>" not in editor, "the title did not change"
    # A hint only: the passage still counts as untranslated, as wagtail-localize has it.
    assert untranslated_passages(bulletin)["pl"] == 1


def test_a_translator_cannot_delete_a_translation(client, bulletin):
    """Wagtail lets whoever may edit and publish a childless page delete it; a volunteer
    removing the live Polish bulletin would lose it for every Polish reader."""
    polish = in_(bulletin, "pl")
    polish.save_revision().publish()
    client.force_login(translator("pl"))

    bulk = client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id={polish.pk}"
    )
    assert bulk.status_code == 302
    assert type(polish).objects.filter(pk=polish.pk, live=True).exists()

    asked = client.get(reverse("wagtailadmin_pages:delete", args=[polish.pk]))
    posted = client.post(reverse("wagtailadmin_pages:delete", args=[polish.pk]))

    edit = reverse("wagtailadmin_pages:edit", args=[polish.pk])
    assert (asked.status_code, asked["Location"]) == (302, edit)
    assert (posted.status_code, posted["Location"]) == (302, edit)
    polish.refresh_from_db()
    assert polish.live


def test_staff_who_can_add_pages_still_delete_them(client, bulletin):
    polish = in_(bulletin, "pl")
    client.force_login(SuperuserFactory(username="office"))
    response = client.post(reverse("wagtailadmin_pages:delete", args=[polish.pk]))
    assert response.status_code == 302
    assert not type(polish).objects.filter(pk=polish.pk).exists()
