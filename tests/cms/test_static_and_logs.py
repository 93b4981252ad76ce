"""collectstatic finds each file once, and a request for a host we do not serve is a
one-line warning, not an ERROR with a traceback."""

import logging

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_each_static_file_is_found_once():
    found: dict[str, int] = {}
    for finder in finders.get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            found[path] = found.get(path, 0) + 1
    assert "js/places.js" in found
    assert [path for path, times in found.items() if times > 1] == []


@pytest.mark.django_db
def test_a_foreign_host_is_one_warning_line(caplog, settings):
    settings.ALLOWED_HOSTS = ["ona.example.org"]
    with caplog.at_level(logging.INFO, logger="django.security.DisallowedHost"):
        response = Client().get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    (record,) = [
        r for r in caplog.records if r.name == "django.security.DisallowedHost"
    ]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None


@pytest.mark.django_db
def test_chinese_labels_end_in_one_full_width_colon(client, home_page):
    """Django's Chinese catalogue keeps the ASCII label suffix: "您的姓名:" and, after
    a label ending in "：", "...：:"."""
    from django.utils import translation

    from campaigns.forms import PetitionForm
    from campaigns.models import Campaign

    campaign = Campaign(name="Hate has no place", slug="hate")
    campaign.offered_list_ids = []
    with translation.override("zh-hans"):
        name_label = PetitionForm(campaign=campaign)["name"].label_tag()
        form = PetitionForm(campaign=campaign)
        form.fields["name"].label = "也请通过电子邮件告诉我以下方面的消息："
        ending_in_colon = form["name"].label_tag()

    assert "您的姓名：</label>" in name_label
    assert "消息：</label>" in ending_in_colon
    assert "：:" not in ending_in_colon
