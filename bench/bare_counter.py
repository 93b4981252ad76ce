"""The reference point: a bare Django view doing only an exact counter update.

Served by gunicorn exactly like the project (``gunicorn bench.bare_counter``), so the
petition figures can be read against what this machine does at the same moment.
"""

import os

import dj_database_url
import django
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    DATABASES={
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)
    },
)
django.setup()


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
