"""What every benchmark's ``--smoke`` mode shares: keys of its own on a shared Redis,
and a Python load generator for machines without wrk.

Smoke runs are CI's check that each benchmark still works (tests/bench/test_smoke.py):
tiny sizes, seconds, nothing recorded. Their figures mean nothing.
"""

import os
import shutil
import statistics
import threading
import time
import urllib.error
import urllib.request


def isolate_keys() -> str:
    """Cache and broker keys of this run's own on whatever Redis REDIS_URL names, so a
    smoke run can share the test suite's database number without touching its keys
    (and needs no FLUSHDB). Returns the prefix."""
    prefix = f"bench-smoke-{os.getpid()}-{int(time.time())}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    os.environ["CELERY_BROKER_KEY_PREFIX"] = f"{prefix}:"
    return prefix


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def python_load(
    url: str, seconds: float, connections: int = 4, make_request=None
) -> dict:
    """wrk's figures from plain threads: completed, errors_status, errors_other,
    p50_us, p99_us, duration_us, rate. ``make_request(n)`` builds the n-th
    urllib.request.Request (default: GET url). Slower than wrk: for smoke runs."""
    latencies: list[float] = []
    errors = {"status": 0, "other": 0}
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(counter)
            request = make_request(number) if make_request else url
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 loopback
                    response.read()
                    failed = response.status >= 400
            except urllib.error.HTTPError as error:
                failed = error.code >= 400
            except OSError:
                with lock:
                    errors["other"] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1e6)
                errors["status"] += failed

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    ordered = sorted(latencies) or [0.0]
    return {
        "completed": len(latencies),
        "errors_status": errors["status"],
        "errors_other": errors["other"],
        "p50_us": int(statistics.median(ordered)),
        "p99_us": int(ordered[max(0, int(len(ordered) * 0.99) - 1)]),
        "duration_us": int(duration * 1e6),
        "rate": len(latencies) / duration if duration else 0.0,
    }
