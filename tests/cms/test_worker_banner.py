"""The worker's start-up banner says which clock its time is on."""

import re
import warnings
from datetime import datetime
from zoneinfo import ZoneInfo

from cms.celery import app


def banner() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Celery's "running as root" on this machine
        worker = app.Worker(hostname="banner@test", pool_cls="solo", quiet=True)
    return worker.startup_info(artlines=False)


def test_the_banner_time_names_its_zone(settings):
    """Celery prints a naive ``datetime.now()``, which Django's TZ makes the city's
    clock: "2026-12-07 11:49:54" beside log lines in another clock, read as UTC by an
    operator six hours off. The time now carries its zone."""
    text = banner()
    line = next(
        line for line in text.splitlines() if re.search(r"\d\d:\d\d:\d\d", line)
    )
    found = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (\S+) \(([^)]+)\)$", line)
    assert found, line
    assert found[3] == settings.TIME_ZONE
    shown = datetime.fromisoformat(found[1]).replace(
        tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    assert abs((shown - datetime.now(ZoneInfo("UTC"))).total_seconds()) < 5
    assert found[2] == shown.tzname()


def test_the_beat_banner_time_names_its_zone(settings):
    """Beat's "LocalTime -> 2026-12-07 12:13:58" was TIME_ZONE's clock, unnamed."""
    beat = app.Beat(max_interval=1)
    text = beat.startup_info(beat.Service(app=app, max_interval=1))
    found = re.search(r"LocalTime -> (\S+ \S+) (\S+) \(([^)]+)\)$", text, re.M)
    assert found, text
    assert found[3] == settings.TIME_ZONE
