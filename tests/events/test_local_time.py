"""Another city's clock: TIME_ZONE and LOCAL_TIME_NAME(_XX) move every event and alert
time, label and map link off Chicago, and a zone changed without a name is warned of."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.utils import translation

from campaigns.mailings.alert_forms import AlertUpdateForm, RallyAlertForm
from cms.settings.env import env_per_language
from tests.factories import build_event, translate_page

pytestmark = pytest.mark.django_db

NEW_YORK = {
    "TIME_ZONE": "America/New_York",
    "LOCAL_TIME_NAMES": {"en": "New York time", "es": "hora de Nueva York"},
    "MAP_SEARCH_CITY": "New York",
}


@override_settings(**NEW_YORK)
def test_an_event_reads_in_the_configured_city_and_its_name(client, home_page):
    start = datetime(2027, 3, 4, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    event = build_event(
        title="Lobby day",
        start=start,
        end=start + timedelta(hours=4),
        address="250 Broadway",
    )
    spanish = translate_page(event, "es")

    english = client.get(event.url).content.decode()
    assert "March 4, 2027, 9 a.m. – 1 p.m. (New York time)" in english
    assert "openstreetmap.org/search?query=250+Broadway%2C+New+York" in english
    assert "Chicago time" not in english
    assert "(hora de Nueva York)" in client.get(spanish.url).content.decode()
    with translation.override("hi"):
        assert event.when_display().endswith("(New York time)"), "English stands in"


@override_settings(**NEW_YORK)
def test_alert_forms_name_the_configured_clock_and_read_times_in_it():
    with translation.override("es"):
        assert str(RallyAlertForm.base_fields["start"].label) == (
            "Cuándo (hora de Nueva York)"
        )
    assert str(AlertUpdateForm.base_fields["start"].label) == "When (New York time)"
    assert "America/New_York" in str(RallyAlertForm.base_fields["start"].help_text)
    field = RallyAlertForm.base_fields["start"]
    assert field.to_python("2027-03-04T09:00").utcoffset() == timedelta(hours=-5)


def test_an_event_time_takes_chinese_parentheses(client, home_page):
    """A Chinese reader saw "2027年3月4日 9:00 – 13:00 (芝加哥时间)": Latin parentheses
    after a space, in Chinese text. Chinese writes them full width, with no space."""
    start = datetime(2027, 3, 4, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
    event = build_event(title="Lobby day", start=start, end=start + timedelta(hours=4))
    chinese = client.get(f"/zh-hans{event.url}").content.decode()
    assert "（芝加哥时间）" in chinese
    assert " (芝加哥时间)" not in chinese
    for language in ("en", "es", "ar"):
        with translation.override(language):
            text = event.when_display()
        assert text.endswith(")"), (language, text)
        assert " (" in text, (language, text)


def test_the_default_clock_is_chicago_in_every_language():
    field = RallyAlertForm.base_fields["start"]
    assert str(field.label) == "When (Chicago time)"
    with translation.override("ar"):
        assert "شيكاغو" in str(field.label)
    assert field.to_python("2027-03-04T09:00").utcoffset() == timedelta(hours=-6)


def test_another_zone_without_a_name_is_warned_of():
    def warnings():
        return [message.id for message in run_checks() if message.id == "cms.W005"]

    assert warnings() == []
    with override_settings(TIME_ZONE="America/New_York", LOCAL_TIME_NAMES={}):
        assert warnings() == ["cms.W005"]
    with override_settings(**NEW_YORK):
        assert warnings() == []


def test_the_warning_names_a_variable_per_language(settings):
    settings.TIME_ZONE, settings.LOCAL_TIME_NAMES = "America/New_York", {}

    def hint():
        (warning,) = [m for m in run_checks() if m.id == "cms.W005"]
        return warning.hint

    assert "LOCAL_TIME_NAME_ES, _HI, _ZH_HANS, _AR, _PL" in hint()
    settings.LANGUAGES = [*settings.LANGUAGES, ("eo", "Esperanto")]
    assert hint().endswith("_EO for the other languages.")


def test_names_per_language_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOCAL_TIME_NAME", "New York time")
    monkeypatch.setenv("LOCAL_TIME_NAME_ZH_HANS", "纽约时间")
    monkeypatch.setenv("LOCAL_TIME_NAME_PL", "")
    assert env_per_language("LOCAL_TIME_NAME", ["en", "zh-hans", "pl", "ar"]) == {
        "en": "New York time",
        "zh-hans": "纽约时间",
    }


def test_a_city_in_chicagos_zone_is_warned_of_chicagos_names(client, settings):
    """Houston, Minneapolis, New Orleans share America/Chicago: their own SITE_NAME is
    what says the deployment is another city's. Left as they are, the clock's name,
    the footer's city line, the map links and the e-mails' postal address are
    Chicago's, and `check` says so for each."""

    def city_warnings():
        ids = {"cms.W005", "cms.W007", "cms.W011", "cms.W012"}
        return sorted(message.id for message in run_checks() if message.id in ids)

    assert city_warnings() == [], "Chicago's own deployment"
    settings.WAGTAIL_SITE_NAME = "Houston Office of New Americans"
    start = datetime(2027, 3, 4, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
    event = build_event(
        title="Lobby day",
        start=start,
        end=start + timedelta(hours=4),
        address="901 Bagby St",
    )
    page = client.get(event.url).content.decode()
    assert "(Chicago time)" in page
    assert "query=901+Bagby+St%2C+Chicago" in page
    assert city_warnings() == ["cms.W005", "cms.W007", "cms.W011", "cms.W012"]

    settings.LOCAL_TIME_NAMES = {"en": "Houston time"}
    settings.CITY_NOTES = {"en": "Houston is a Welcoming City."}
    settings.MAP_SEARCH_CITY = "Houston"
    settings.SENDER_POSTAL_ADDRESS = "901 Bagby St, Houston, TX 77002"
    assert city_warnings() == []
