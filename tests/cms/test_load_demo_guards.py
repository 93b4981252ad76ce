"""load_demo is for laptops and tests: it refuses production settings unless told, and
it runs on a database where staff already made a list with a demo list's name. Apart
from tests/cms/test_demo.py, whose module-wide demo would be there already."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from campaigns.models import Campaign
from events.models import EventPage
from subscribers.models import ListPermission, MailingList, Subscriber
from tests.cms.test_settings import ROOT, production_env

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_production_settings(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    refused = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "Refusing to load the demo under production settings" in refused.stderr
    assert "setup_site" in refused.stderr
    assert "--i-know-this-is-production" in refused.stderr
    assert not (tmp_path / "demo-admin-password").exists(), "no password made"
    assert "Admin login" not in refused.stdout


def test_load_demo_under_production_settings_only_when_told(
    tmp_path, settings, monkeypatch
):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    settings.LOAD_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="--i-know-this-is-production"):
        call_command("load_demo", stdout=open(tmp_path / "out", "w"))
    assert not get_user_model().objects.exists()
    assert not Subscriber.objects.exists()

    call_command(
        "load_demo", "--i-know-this-is-production", stdout=open(tmp_path / "out", "w")
    )
    assert get_user_model().objects.filter(username="admin").exists()


def test_load_demo_takes_a_list_staff_made_with_a_demo_name(tmp_path, settings):
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    ours = MailingList.objects.create(name="Community Outreach/Education", slug="ours")

    call_command("load_demo", stdout=open(tmp_path / "out", "w"))

    assert MailingList.objects.count() == 4
    ours.refresh_from_db()
    assert ours.slug == "ours"
    assert ours.lead_organisation == "The Resurrection Project"
    assert ours.subscriptions.exists()
    # The demo's campaign, event and organizers use the list it stands for.
    assert list(Campaign.objects.get().default_lists.all()) == [ours]
    assert EventPage.objects.filter(rsvp_list=ours).exists()
    assert ListPermission.objects.filter(
        group__name="Organizers", mailing_list=ours
    ).exists()
