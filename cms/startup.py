"""Refuse to start wrong: web, worker and beat processes run the deploy checks first.

Under production settings (STARTUP_CHECKS) a process whose configuration fails any
check of level ERROR stops with the checks' messages instead of sending e-mails with
broken links or losing bounces. Warnings are logged and do not stop it.
"""

import logging

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


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
