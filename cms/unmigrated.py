"""A request to a database that was never migrated, or cannot be reached: a 503.

Started before `manage.py migrate` (a first deployment, a fresh database, an older
backup restored under newer code), every page was a 500 with "OperationalError: no
such table: wagtailcore_site", forty lines of traceback in the log and Django's debug
page in development. The middleware answers such a request 503 with Retry-After,
telling the reader to come back, and the operator (one log line, and the page itself
with DEBUG on) to run migrate. Only on a database error, and only when migrations are
really unapplied.

The same for a database that cannot be reached (PostgreSQL down or restarting): every
page outside the page cache was a 500 with a traceback per request, and nothing told
proxies or browsers that it would pass. A 503 with Retry-After in the reader's
language, one log line. Any other database error stays the 500 it was.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


# Set once this process has seen the database fully migrated: migrations are not
# unapplied under a running site, and a crowd's database errors (a timeout, a full
# connection pool) must not each rebuild the migration plan.
_seen_migrated = False


def unapplied_migrations() -> int | None:
    """How many migrations the default database lacks (None if it cannot be told)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return None


def database_unreachable() -> bool:
    """Whether the default database cannot be reached now: no connection opens, or
    the one open answers nothing (a server restarted under it)."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if connection.connection is None:
            connection.ensure_connection()
            return False
        return not connection.is_usable()
    except DatabaseError:
        return True


def unavailable(title: str, text: str, *, debug_note: str = "") -> HttpResponse:
    """A bare page (no template, no database), 503 with Retry-After."""
    body = f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
    if settings.DEBUG and debug_note:  # a developer or operator is reading
        body += f"<p>{debug_note}</p>"
    direction = "rtl" if get_language_bidi() else "ltr"
    html = (
        f'<!DOCTYPE html><html lang="{get_language()}" dir="{direction}"><head>'
        '<meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class UnmigratedDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        return self.unmigrated(exception) or self.unreachable(exception)

    def unmigrated(self, exception) -> HttpResponse | None:
        global _seen_migrated
        if _seen_migrated:
            return None
        missing = unapplied_migrations()
        if not missing:
            _seen_migrated = missing == 0
            return None
        logger.error(
            "The database is not migrated (%d migrations to apply): run "
            "`manage.py migrate`. %s",
            missing,
            exception,
        )
        return unavailable(
            _("This site is not ready yet"),
            _("Its database is being set up. Please try again in a few minutes."),
            debug_note=f"The database is not migrated ({missing} migrations to "
            "apply): run <code>python manage.py migrate</code>.",
        )

    def unreachable(self, exception) -> HttpResponse | None:
        if not database_unreachable():
            return None
        # psycopg's message runs over two lines; the log keeps one per event.
        logger.error(
            "The database cannot be reached: %s", " ".join(str(exception).split())
        )
        return unavailable(
            _("This site is not available right now"),
            _("Please try again in a few minutes."),
        )
