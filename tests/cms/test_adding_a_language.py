"""A city adds languages to settings.LANGUAGES (docs/languages.md): Ukrainian, and
Urdu, written right to left. The site's own code must follow the list without
being told more: no migration of the city's own, every language field taking the
new codes, the direction from Django's language info (as Arabic's)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from cms.blocks import DocumentFileBlock
from subscribers.models import MailingListTranslation, Subscriber

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ADDED = [("uk", "Українська"), ("ur", "اردو")]
CITY_SETTINGS = f"""
from cms.settings.test import *  # noqa: F403
from cms.settings.base import content_languages

LANGUAGES = [*LANGUAGES, *{ADDED!r}]
LANGUAGE_NAMES_IN_ENGLISH = {{
    **LANGUAGE_NAMES_IN_ENGLISH, "uk": "Ukrainian", "ur": "Urdu"
}}
WAGTAIL_CONTENT_LANGUAGES = content_languages(LANGUAGES, LANGUAGE_NAMES_IN_ENGLISH)
"""


def test_a_city_adding_languages_makes_no_migration_of_its_own(tmp_path):
    """Its own migrations (AlterField of every language field) would conflict with
    the project's next ones in the same apps, at every update."""
    (tmp_path / "city_settings.py").write_text(CITY_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "city_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'city.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("REDIS_URL", None)
    answer = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "No changes detected" in answer.stdout


CITY_LANGUAGES = [*settings.LANGUAGES, *ADDED]


@override_settings(LANGUAGES=CITY_LANGUAGES)
def test_language_fields_take_an_added_language():
    subscriber = Subscriber(email="reader@example.org", language="ur")
    subscriber.full_clean(exclude=["email_hash"])
    translation = MailingListTranslation(language="uk", name="Правова допомога")
    translation.clean_fields(exclude=["mailing_list"])
    assert DocumentFileBlock().child_blocks["language"].clean("ur") == "ur"


@override_settings(LANGUAGES=CITY_LANGUAGES)
def test_a_translation_is_never_in_the_default_language():
    with pytest.raises(ValidationError):
        MailingListTranslation(language="en", name="Legal").clean_fields(
            exclude=["mailing_list"]
        )
