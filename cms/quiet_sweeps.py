"""Keep the beat's frequent sweeps out of the INFO log.

Beat runs a few sweeps every 2 to 60 seconds (due webhooks, due mailings, the
heartbeat ...); almost always they find nothing to do, yet Celery logs every run three
times at INFO (beat's "Sending due task", the worker's "received" and "succeeded"). In a terminal running ``make run`` that was two lines
every two seconds, burying what matters. This filter drops exactly those lines for
exactly those tasks, unless the run reports that it did something (a return value with
a count above zero); the work they queue (send batches, webhook posts) and any failure
(logged at ERROR) still appear. ``LOG_ROUTINE_SWEEPS=1`` shows every run again.
"""

import ast
import logging

# Sweeps scheduled this often or more are routine; slower ones (purges) stay logged.
ROUTINE_SECONDS = 60


def routine_sweeps(schedule: dict) -> frozenset[str]:
    """The task names beat runs at least once a ``ROUTINE_SECONDS``."""
    return frozenset(
        entry["task"]
        for entry in schedule.values()
        if isinstance(entry.get("schedule"), int | float)
        and entry["schedule"] <= ROUTINE_SECONDS
    )


# celery.beat's line for each entry it sends: its args are (entry name, task name).
BEAT_SENDS = "Scheduler: Sending due task %s (%s)"


class QuietRoutineSweeps(logging.Filter):
    """For Celery's ``celery.beat``, ``celery.worker.strategy`` and
    ``celery.app.trace`` loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        if record.msg == BEAT_SENDS and isinstance(record.args, tuple):
            return record.args[-1] not in _routine()
        if not isinstance(record.args, dict):
            return True
        if record.args.get("name") not in _routine():
            return True
        # A run that reports what it did ({'confirmations': 3, ...}) stays in the log.
        return "return_value" in record.args and not _did_nothing(
            record.args["return_value"]
        )


def _did_nothing(return_value) -> bool:
    """Celery logs the repr of the return value: None, or counts that are all zero."""
    try:
        value = ast.literal_eval(str(return_value))
    except (ValueError, SyntaxError):
        return False
    if isinstance(value, dict):
        return not any(value.values())
    return not value


def _routine() -> frozenset[str]:
    from django.conf import settings

    if settings.LOG_ROUTINE_SWEEPS:  # someone is watching beat: show every run
        return frozenset()
    return routine_sweeps(settings.CELERY_BEAT_SCHEDULE)
