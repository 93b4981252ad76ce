"""Do admin password guesses starve the public pages? gunicorn, real password hashing.

    .venv/bin/python bench/bench_login_flood.py [--seconds 20] [--guessers 4] [--record]
    .venv/bin/python bench/bench_login_flood.py --smoke     # seconds, nothing recorded

A demo site (SQLite, production password hasher: PBKDF2, 1,000,000 iterations) under
gunicorn with 3 sync workers. One visitor loads the public signup page (/join/) over
and over and we record its latency: first alone, then while GUESSERS clients post
wrong passwords to /admin/login/ as fast as they are answered. Each guess comes from a
new address and a new username (through X-Forwarded-For, TRUSTED_PROXY_COUNT=1), the
worst case for django-axes, whose lockouts then never trigger: only the cap on
concurrent password hashing (LOGIN_HASH_CONCURRENCY) stands between the guesses and
the web workers. Run with the cap off (0) and on (1).
"""

import argparse
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._site import ROOT, build_site

RESULTS = ROOT / "bench" / "RESULTS.md"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(env: dict[str, str], *, cap: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "3", "--timeout", "120",
         "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT,
        env={**env, "LOGIN_HASH_CONCURRENCY": str(cap)},
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/join/", timeout=5).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not come up")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def visitor(base: str, seconds: float) -> list[float]:
    """Latencies (ms) of back-to-back GETs of the public signup page."""
    session, latencies = requests.Session(), []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        response = session.get(base + "/join/", timeout=120)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return latencies


def guesser(base: str, stop_at: float, tally: dict, lock: threading.Lock) -> None:
    session = requests.Session()
    page = session.get(base + "/admin/login/", timeout=120).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    while time.monotonic() < stop_at:
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311
        response = session.post(
            base + "/admin/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": f"user{random.randrange(10**9)}",  # noqa: S311
                "password": "wrong-guess",
            },
            headers={"X-Forwarded-For": address, "Referer": base + "/admin/login/"},
            timeout=120,
        )
        with lock:
            tally[response.status_code] = tally.get(response.status_code, 0) + 1


def phase(base: str, *, seconds: float, guessers: int) -> dict:
    tally, lock = {}, threading.Lock()
    stop_at = time.monotonic() + seconds + 2
    threads = [
        threading.Thread(target=guesser, args=(base, stop_at, tally, lock))
        for _ in range(guessers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1 if guessers else 0)  # let the guessing get going
    latencies = visitor(base, seconds)
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[int(len(ordered) * 0.9) - 1]
        if len(ordered) >= 10
        else ordered[-1],
        "pages": len(ordered),
        "checked": tally.get(200, 0),  # a guess that was hashed gets the form back
        "busy": tally.get(429, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--guessers", type=int, default=4)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.guessers, args.record = 2, 1, False
    # A SQLite site of its own, per-process caches: nothing shared with other runs.
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    var_dir, env = build_site(
        TRUSTED_PROXY_COUNT="1",
        PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="ERROR",
    )
    rows = []
    for cap in (0, 1):
        process, base = start(env, cap=cap)
        try:
            alone = phase(base, seconds=args.seconds, guessers=0)
            attacked = phase(base, seconds=args.seconds, guessers=args.guessers)
        finally:
            stop(process)
        rows.append((cap, alone, attacked))
    lines = [
        f"| {cap} | {alone['median']:.0f} / {alone['p90']:.0f} | "
        f"{attacked['median']:.0f} / {attacked['p90']:.0f} | "
        f"{attacked['checked'] / args.seconds:.1f} | {attacked['busy']} |"
        for cap, alone, attacked in rows
    ]
    table = "\n".join(
        [
            "| LOGIN_HASH_CONCURRENCY | /join/ alone: median / p90 ms | "
            f"/join/ with {args.guessers} guessers: median / p90 ms | "
            "guesses hashed per s | guesses answered busy |",
            "| --- | --- | --- | --- | --- |",
            *lines,
        ]
    )
    print(table)
    if args.record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        host = f"{os.cpu_count()} cores ({platform.machine()})"
        with RESULTS.open("a") as out:
            out.write(
                f"\n### Admin password guessing vs public pages ({stamp})\n\n"
                f"`bench/bench_login_flood.py --seconds {args.seconds:g} "
                f"--guessers {args.guessers}` on {host}, gunicorn 3 sync workers, "
                "SQLite, PBKDF2 (Django's default), each guess from a new address "
                "and username (django-axes never locks them).\n\n"
                f"{table}\n"
            )
    subprocess.run(["rm", "-rf", str(var_dir)], check=False)


if __name__ == "__main__":
    main()
