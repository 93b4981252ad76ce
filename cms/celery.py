"""The Celery app. Settings come from Django settings prefixed CELERY_."""

import os
import smtplib

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

# A task that sends one person one e-mail retries while the mail server or the ESP is
# down (SMTP and anymail's HTTP errors are OSErrors), for up to about 17 minutes, not
# when the server refused the address for good. acks_late: a worker that dies
# mid-send hands the message to another. Each of these tasks is safe to run twice.
MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "dont_autoretry_for": (smtplib.SMTPRecipientsRefused,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 10,
}

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Mailings live in a sub-package of campaigns, which autodiscovery does not visit.
app.autodiscover_tasks(["campaigns.mailings"])


@worker_init.connect
@beat_init.connect
def refuse_to_start_wrong(**kwargs) -> None:
    """Under production settings a misconfigured worker or beat exits at once with the
    deploy checks' messages (cms/startup.py). SystemExit, since Celery logs and
    swallows any Exception a signal handler raises."""
    import sys

    from django.core.exceptions import ImproperlyConfigured

    from cms.startup import enforce_startup_checks

    try:
        enforce_startup_checks()
    except ImproperlyConfigured as error:
        print(error, file=sys.stderr, flush=True)  # noqa: T201 - before logging is set up
        raise SystemExit(1) from error


def publish(task, *args, on_failure=None, **options) -> bool:
    """Queue a task; if the broker is unreachable, log (task name only) and return
    False rather than fail the web request whose rows are already committed."""
    import logging

    from kombu.exceptions import OperationalError

    try:
        if options:
            task.apply_async(args, **options)
        else:
            task.delay(*args)
    except (OperationalError, OSError) as error:
        logging.getLogger(__name__).warning(
            "broker unreachable, %s not queued: %s", task.name, type(error).__name__
        )
        if on_failure is not None:
            on_failure()
        return False
    return True
