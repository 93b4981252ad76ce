"""Refuse to start wrong: web, worker and beat processes run the deploy checks first.

Under production settings (STARTUP_CHECKS) a process whose configuration fails any
check of level ERROR stops with the checks' messages instead of sending e-mails with
broken links or losing bounces. Warnings are logged and do not stop it.
"""

import logging
import sys
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# gunicorn's "worker failed to boot": its master stops instead of starting the worker
# again and again. Any other command just exits non-zero.
REFUSED_EXIT_CODE = 3


def refuse(error: ImproperlyConfigured) -> NoReturn:
    """Exit with the configuration's message on stderr and no traceback: a missing
    SECRET_KEY or a malformed setting used to end manage.py, Celery and gunicorn with
    forty lines of traceback and the one line that mattered last."""
    message = str(error)
    if not message.startswith("Refusing to start"):
        message = f"Refusing to start: {message}"
    print(message, file=sys.stderr, flush=True)  # noqa: T201 - logging may not be set up
    raise SystemExit(REFUSED_EXIT_CODE)


def enforce_startup_checks() -> None:
    """Run every check, deploy checks included; raise ImproperlyConfigured on errors."""
    import django
    from django.conf import settings

    django.setup()
    if not settings.STARTUP_CHECKS:
        return
    from django.core import checks

    found = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if not message.is_silenced()
    ]
    for message in found:
        if not message.is_serious():
            logger.warning("startup check: %s", message)
    errors = [message for message in found if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start: the deploy checks failed.\n"
            + "\n".join(str(message) for message in errors)
        )
