"""The Celery app. Settings come from Django settings prefixed CELERY_."""

import os
import warnings
from functools import cached_property
from pathlib import Path

from celery import Celery, Task
from celery.app.amqp import AMQP
from celery.beat import PersistentScheduler
from celery.exceptions import CPendingDeprecationWarning
from celery.signals import beat_init, celeryd_after_setup, setup_logging, worker_init
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")


class RefusedForGood(Exception):
    """The mail server or ESP refused one person's e-mail for good. Its text names the
    error's kind and code only: the original may quote the address."""


class MailTask(Task):
    """A task that sends one person one e-mail. Autoretry retries every OSError (SMTP
    and anymail's HTTP errors are OSErrors), but a final refusal (an SMTP 5xx, an ESP's
    400 for a bad address, cms.mail.esp.refused_for_good) would only be refused again:
    it ends the task at once instead of ten more calls over seventeen minutes."""

    throws = (RefusedForGood,)  # expected: logged as a line, without a traceback

    def retry(self, *args, exc=None, **kwargs):
        from cms.mail.esp import refused_for_good

        if exc is not None and refused_for_good(exc):
            code = getattr(getattr(exc, "response", None), "status_code", None)
            code = code or getattr(exc, "smtp_code", "")
            raise RefusedForGood(f"{type(exc).__name__} {code}".strip()) from None
        return super().retry(*args, exc=exc, **kwargs)


# A task that sends one person one e-mail retries while the mail server or the ESP is
# down, for up to about 17 minutes, not when the server refused the address for good
# (MailTask). acks_late: a worker that dies mid-send hands the message to another.
# Each of these tasks is safe to run twice.
MAIL_TASK_OPTIONS = {
    "base": MailTask,
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 10,
}


class BrokerConnection(Connection):
    """A broker connection that names its broker as the operator configured it. Our
    transports are given to kombu by import path (cms/broker.py, cms/file_broker.py),
    and kombu printed that path as the URL's scheme: every worker's banner said
    ``transport: cms.broker:Transport://:**@127.0.0.1:6379/0`` (or
    ``cms.file_broker:Transport://:**@localhost//`` without Redis), and so did its
    "Connected to ..." line. A transport with ``shown_uri`` names itself."""

    def as_uri(self, *args, **kwargs) -> str:
        uri = super().as_uri(*args, **kwargs)
        shown_uri = getattr(self.get_transport_cls(), "shown_uri", None)
        return shown_uri(self, uri) if shown_uri else uri


class BrokerAMQP(AMQP):
    Connection = BrokerConnection


class App(Celery):
    amqp_cls = BrokerAMQP

    @cached_property
    def Worker(self):
        """The worker whose banner names its time's zone (cms/worker_banner.py)."""
        return self.subclass_with_self("cms.worker_banner:Worker")

    @cached_property
    def Beat(self):
        """Beat, whose banner names its time's zone too (cms/worker_banner.py)."""
        return self.subclass_with_self("cms.worker_banner:Beat")

    def _load_config(self):
        """Django's settings are read here, as the command line is parsed: a missing
        SECRET_KEY or a malformed setting ends the worker or beat with its message,
        not a traceback (cms/startup.py)."""
        from django.core.exceptions import ImproperlyConfigured

        try:
            return super()._load_config()
        except ImproperlyConfigured as error:
            from cms.startup import refuse

            refuse(error)


app = App("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Mailings live in a sub-package of campaigns, which autodiscovery does not visit.
app.autodiscover_tasks(["campaigns.mailings"])


@setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """Django's LOGGING stays in charge of every worker and beat process (LOG_LEVEL,
    JSON lines in production, addresses and tokens redacted). Left to itself Celery
    replaced the root logger's handlers and set the level of ``--loglevel``: WARNING
    when the option is left out, as in the README's commands, so a worker sending 2,000
    e-mails logged nothing; and it turned every write to stdout or stderr into a log
    record, so one traceback at start became 1,600 one-character JSON lines."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@celeryd_after_setup.connect
def keep_quiet_about_a_chosen_default(**kwargs) -> None:
    """Celery warns at every broker connection loss that Celery 6 will terminate the
    tasks running then unless worker_cancel_long_running_tasks_on_connection_loss is
    set, and it warns even when the setting is False, our choice (cms/settings/base.py):
    the operator saw five lines about a library's future default at each Redis restart.
    Installed here, after Celery's logging setup made its deprecation warnings 'always'.
    """
    warnings.filterwarnings(
        "ignore",
        message=r"\s*In Celery 5\.1 we introduced an optional breaking change",
        category=CPendingDeprecationWarning,
    )


class Schedule(PersistentScheduler):
    """Beat's schedule file, in a folder made if missing: under production settings
    nothing else creates VAR_DIR, and beat exited at start (FileNotFoundError)."""

    def _open_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open_schedule()


@worker_init.connect
@beat_init.connect
def refuse_to_start_wrong(**kwargs) -> None:
    """Under production settings a misconfigured worker or beat exits at once with the
    deploy checks' messages (cms/startup.py). SystemExit, since Celery logs and
    swallows any Exception a signal handler raises."""
    from django.core.exceptions import ImproperlyConfigured

    from cms.startup import enforce_startup_checks, refuse

    try:
        enforce_startup_checks()
    except ImproperlyConfigured as error:
        refuse(error)


@worker_init.connect
def warm_languages(**kwargs) -> None:
    """Load every language's catalogues and URL patterns once, before the pool starts
    (its processes inherit them). Left to the first task, a rally alert's start loaded
    five catalogues and built the URL resolver six times (once per language) before
    its first message: 1.2 of its 4 s under load (bench/RESULTS.md, issue 18)."""
    import django
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    django.setup()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 - built per active language


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
