"""Health of the services a deployment needs, for load balancers and the admin.

``/health/live/`` says the process answers (no dependencies). ``/health/`` checks the
database, the cache, the broker and the beat heartbeat, and answers 503 if any fails.
Both are answered by the first middleware: before the host check (load balancers probe
by address), the HTTPS redirect (they probe over plain http inside the network) and
the page cache. Failures name the exception class only, never its text.
"""

import json
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

LIVE_PATHS = {"/health/live/", "/health/live"}
READY_PATHS = {"/health/", "/health"}
BEAT = "beat"


def record_heartbeat(name: str = BEAT) -> None:
    """Stamp ``name`` as alive now; safe to run twice."""
    from cms.models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # noqa: BLE001 - any failure is the answer here
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    from django.core.cache import cache

    key, token = "health:probe", uuid.uuid4().hex
    cache.set(key, token, 30)
    return {"ok": cache.get(key) == token}


def check_broker() -> dict:
    from cms.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=3)
    return {"ok": True}


def check_beat() -> dict:
    from cms.models import Heartbeat

    at = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    if at is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = (timezone.now() - at).total_seconds()
    limit = timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE).total_seconds()
    return {"ok": age <= limit, "age_seconds": round(age)}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "beat": check_beat,
}


def run_health_checks() -> dict:
    """Every check's result and an overall status ("ok" or "fail")."""
    results = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    return {"status": "ok" if healthy else "fail", "checks": results}


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload), content_type="application/json", status=status
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            if request.path in LIVE_PATHS:
                return _json({"status": "ok"}, 200)
            if request.path in READY_PATHS:
                report = run_health_checks()
                return _json(report, 200 if report["status"] == "ok" else 503)
        return self.get_response(request)
