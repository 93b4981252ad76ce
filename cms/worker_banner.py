"""The Celery worker whose start-up banner names the clock of its time.

Celery prints a naive ``datetime.now()`` in its banner, and Django sets the process's
TZ to TIME_ZONE: the banner said "2026-12-07 11:49:54" in Chicago time, with nothing to
tell it from the UTC of the operator's other logs. The time is shown with its zone
("2026-12-07 11:49:54 CST (America/Chicago)"), and so is beat's "LocalTime". Used
through ``App.Worker`` and ``App.Beat`` (cms/celery.py).
"""

import re

from celery.apps.beat import Beat as CeleryBeat
from celery.apps.worker import Worker as CeleryWorker

# Celery's "{platform} {timestamp}" line: the first date-time ending a line.
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", re.MULTILINE)


def zoned_now() -> str:
    from django.conf import settings
    from django.utils import timezone

    now = timezone.localtime().replace(microsecond=0)
    return f"{now:%Y-%m-%d %H:%M:%S} {now.tzname()} ({settings.TIME_ZONE})"


class Worker(CeleryWorker):
    def startup_info(self, artlines=True):
        text = super().startup_info(artlines=artlines)
        return STAMP.sub(lambda match: zoned_now(), text, count=1)


class Beat(CeleryBeat):
    """Beat's "LocalTime -> 2026-12-07 12:13:58" likewise (used through App.Beat)."""

    def startup_info(self, service):
        text = super().startup_info(service)
        return STAMP.sub(lambda match: zoned_now(), text, count=1)
