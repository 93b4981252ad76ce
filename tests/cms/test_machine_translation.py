"""Machine translation through wagtail-localize's interface: the same translator drafts
alerts and pre-fills page translations in the localize editor; drafts stay marked."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation

from cms.email.rendering import render_email
from cms.machine_translation import (
    MachineTranslationError,
    draft_translations,
    machine_mark,
    mark_machine_drafted,
)
from tests.factories import SuperuserFactory, build_bulletin, translate_page
from tests.fake_libretranslate import FakeLibreTranslate
from tests.workers import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def libretranslate(settings):
    fake = FakeLibreTranslate().start()
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = fake.settings()
    yield fake
    fake.stop()


def test_drafts_keep_line_breaks_and_skip_the_source_language(
    home_page, libretranslate
):
    drafted = draft_translations(
        texts={"message": "Stand with our neighbors.\nBring water.", "title": ""},
        source_language="en",
        languages=["en", "ar", "zh-hans"],
    )
    assert drafted.tool_name == "LibreTranslate"
    assert drafted.skipped == ["en"]
    assert drafted.texts["ar"] == {"message": "لنقف مع جيراننا.\n[ar] Bring water."}
    assert drafted.texts["zh-hans"]["message"].startswith("与我们的邻居站在一起。")
    assert [r.target for r in libretranslate.requests] == ["ar", "zh"]


def test_no_translator_is_an_error_the_form_can_show(home_page, settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
    with pytest.raises(MachineTranslationError, match="No machine translator"):
        draft_translations(texts={"m": "Hi"}, source_language="en", languages=["es"])


def test_the_localize_editor_prefills_with_the_same_translator_and_marks_it(
    client, home_page, libretranslate, django_capture_on_commit_callbacks
):
    bulletin = build_bulletin(
        title="Rally at Federal Plaza",
        summary="Stand with our neighbors.",
        body=[("paragraph", "<p>Stand with our neighbors.</p>")],
    )
    arabic = Locale.objects.get(language_code="ar")
    admin = SuperuserFactory(username="editor")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtail_localize:submit_page_translation", args=[bulletin.pk]),
            {"locales": [arabic.pk]},
        )
    translation = Translation.objects.get(target_locale=arabic)

    response = client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        {"next": "/admin/"},
    )

    assert response.status_code == 302
    drafted = StringTranslation.objects.filter(locale=arabic)
    assert drafted.exists()
    assert set(drafted.values_list("translation_type", "tool_name")) == {
        ("machine", "LibreTranslate")
    }
    assert {r.target for r in libretranslate.requests} == {"ar"}
    with django_capture_on_commit_callbacks(execute=True):  # localize publishes then
        translation.save_target(user=admin, publish=True)
    page = bulletin.get_translation(arabic).specific
    assert page.live
    assert page.title == "مسيرة في فيدرال بلازا"
    assert machine_mark(page).tool_name == "LibreTranslate"

    html = client.get(page.url).content.decode()
    assert 'class="machine-note"' in html
    assert "أُنجزت هذه الترجمة آليًا (LibreTranslate)" in html
    assert render_email(bulletin, language="ar").machine_tool == "LibreTranslate"


def test_a_person_editing_the_page_clears_the_machine_mark(home_page):
    bulletin = build_bulletin(title="Resources")
    polish = translate_page(bulletin, "pl", title="Zasoby")
    mark_machine_drafted(polish, tool_name="LibreTranslate", tell_readers=False)
    assert machine_mark(polish).tell_readers is False

    request = RequestFactory().post("/admin/")
    for hook in hooks.get_hooks("after_edit_page"):
        hook(request, polish)

    assert machine_mark(polish) is None


def _setting_in_a_fresh_process(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("MACHINE_", "LIBRE"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="cms.settings.test", **env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(getattr(settings, 'WAGTAILLOCALIZE_MACHINE_TRANSLATOR', None))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_pick_the_translator_from_the_environment():
    off = _setting_in_a_fresh_process()
    libre = _setting_in_a_fresh_process(
        MACHINE_TRANSLATOR="libretranslate",
        LIBRETRANSLATE_URL="http://translate.office.internal:5000/",
        LIBRETRANSLATE_API_KEY="k",
    )
    wrong = _setting_in_a_fresh_process(MACHINE_TRANSLATOR="babelfish")

    assert off.stdout.strip() == "None"
    assert "LibreTranslator" in libre.stdout
    assert (
        "'LIBRETRANSLATE_URL': 'http://translate.office.internal:5000'" in libre.stdout
    )
    assert "'API_KEY': 'k'" in libre.stdout
    assert wrong.returncode != 0
    assert "MACHINE_TRANSLATOR must be" in wrong.stderr
