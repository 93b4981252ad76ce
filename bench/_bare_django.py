"""Django with nothing but a database, for the reference views the benchmarks serve
with gunicorn next to the project (bench/bare_counter.py, bench/petition_floor.py)."""

import os

import dj_database_url
import django
from django.conf import settings


def configure(urlconf: str) -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",  # noqa: S106
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=urlconf,
        MIDDLEWARE=[],
        DATABASES={
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=600
            )
        },
    )
    django.setup()
