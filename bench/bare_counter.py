"""The reference point: a bare Django view doing only an exact counter update.

Served by gunicorn exactly like the project (``gunicorn bench.bare_counter``), so the
petition figures can be read against what this machine does at the same moment.
"""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path

from bench._bare_django import configure

configure(__name__)


def bump(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bench_counter SET value = value + 1 WHERE id = 1 RETURNING value"
        )
        value = cursor.fetchone()[0]
    return HttpResponse(str(value))


urlpatterns = [path("bump/", bump)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
