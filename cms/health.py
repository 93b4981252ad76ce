"""Health of the services a deployment needs, for load balancers and the admin.

``/health/live/`` says the process answers (no dependencies). ``/health/`` checks the
database, the cache, the broker, a heartbeat from each lane's worker (beat queues one on
each of default, bulk and alerts) and that no mailing is stuck starting or sending, and
answers 503 if any fails. Each process answers it from a report at most
HEALTH_CACHE_SECONDS old: it is public, and a fresh report costs a broker connection.
Anyone gets its status code and ``{"status": ...}``; the checks themselves (timings,
heartbeats, the stuck-mailing count) only a monitor bearing HEALTH_TOKEN or a signed-in
user allowed to see Admin -> Queues and health: they map the deployment for an attacker.
Both are answered by the first middleware: before the host check (load balancers probe
by address), the HTTPS redirect (they probe over plain http inside the network) and
the page cache. Failures name the exception class only, never its text.

A 503 here is the answer, not an error of the server: it is not logged per request
(a monitor polling through an outage would fill the log with ERROR lines). Each
process logs a WARNING when its checks start failing, and again when another check
fails or one recovers, naming each failing check and its short reason, and an INFO
line when all pass again.
"""

import hmac
import json
import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

LIVE_PATHS = {"/health/live/", "/health/live"}
READY_PATHS = {"/health/", "/health"}
BEAT = "beat"
# Whose heartbeat proves each lane has a worker: beat's own runs on the default lane.
LANE_HEARTBEATS = {"default": BEAT, "bulk": "lane:bulk", "alerts": "lane:alerts"}


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


def check_heartbeat(name: str) -> dict:
    """A lane whose worker is gone (or beat) leaves its heartbeat to age: the tasks
    queued on it meanwhile wait, unseen by a check of the default lane alone."""
    from cms.models import Heartbeat

    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    if at is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = (timezone.now() - at).total_seconds()
    limit = timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE).total_seconds()
    result = {"ok": age <= limit, "age_seconds": round(age)}
    if not result["ok"]:
        result["error"] = f"no heartbeat for {round(age)} s"
    return result


def check_beat() -> dict:
    return check_heartbeat(BEAT)


def check_mailings() -> dict:
    """Mailings starting or sending with no progress for longer than their lane allows
    (the upkeep re-queues their work well before; this says it did not help)."""
    from campaigns.mailings.selectors import mailings_without_progress

    stuck = len(mailings_without_progress())
    if stuck:
        return {"ok": False, "stuck": stuck, "error": f"{stuck} without progress"}
    return {"ok": True, "stuck": 0}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "beat": check_beat,
    "bulk_lane": lambda: check_heartbeat(LANE_HEARTBEATS["bulk"]),
    "alerts_lane": lambda: check_heartbeat(LANE_HEARTBEATS["alerts"]),
    "mailings": check_mailings,
}


def run_health_checks() -> dict:
    """Every check's result and an overall status ("ok" or "fail")."""
    results = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    return {"status": "ok" if healthy else "fail", "checks": results}


_recent = {"report": None, "at": 0.0}
_recent_lock = threading.Lock()


def recent_health_report() -> dict:
    """The report of this process's last run if younger than HEALTH_CACHE_SECONDS, so a
    flood of requests to the public /health/ costs the services one run per interval.
    (One run at a time: the others wait for it rather than run their own.)"""
    with _recent_lock:
        now = time.monotonic()
        if (
            _recent["report"] is None
            or now - _recent["at"] >= settings.HEALTH_CACHE_SECONDS
        ):
            previous = _recent["report"]
            _recent["report"], _recent["at"] = run_health_checks(), now
            _log_change(previous, _recent["report"])
        return _recent["report"]


def _failing(report: dict | None) -> dict:
    if report is None:
        return {}
    return {
        name: check.get("error", "failed")
        for name, check in report["checks"].items()
        if not check["ok"]
    }


def _log_change(previous: dict | None, report: dict) -> None:
    """One line when this process's checks start failing or another check fails or
    recovers, one when they all pass again: a monitor polling through an outage adds
    none (a reason that only ages, "no heartbeat for 412 s", is no change). The reasons
    are the checks' own: an exception class or a count, never a message."""
    before, now = _failing(previous), _failing(report)
    if now and now.keys() != before.keys():
        logger.warning(
            "Health checks failing: %s",
            ", ".join(f"{name} ({reason})" for name, reason in now.items()),
        )
    elif before and not now:
        logger.info("Health checks pass again")


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload), content_type="application/json", status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _bears_token(request) -> bool:
    token = settings.HEALTH_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def _signed_in_operator(request) -> bool:
    """The session middleware has not run yet (this one is first): read the session
    cookie here, only for /health/ and only when there is one."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    from importlib import import_module

    from django.contrib.auth import get_user

    from cms.operations_views import VIEW_OPERATIONS

    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
    try:
        user = get_user(request)
        return user.is_authenticated and user.has_perm(VIEW_OPERATIONS)
    except Exception:  # noqa: BLE001 - a database that is down answers 503, not 500
        return False


def may_see_details(request) -> bool:
    return _bears_token(request) or _signed_in_operator(request)


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            if request.path in LIVE_PATHS:
                return _json({"status": "ok"}, 200)
            if request.path in READY_PATHS:
                report = recent_health_report()
                status = 200 if report["status"] == "ok" else 503
                if not may_see_details(request):
                    report = {"status": report["status"]}
                response = _json(report, status)
                # Not Django's "Service Unavailable" ERROR line for every 503: the
                # report's changes are logged instead (_log_change).
                response._has_been_logged = True
                return response
        return self.get_response(request)
