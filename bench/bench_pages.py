"""Requests/s and p99 for the bulletin and event pages over HTTP (gunicorn, 2 workers).

    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/bench_pages.py [--seconds 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/bench_pages.py --storm [--seconds 20]

``--storm``: the storm after a rally alert (bench/storm.py) on PostgreSQL (a throwaway
database next to DATABASE_URL's, dropped after) with the Redis page cache: GETs over
the rally, its places fragment, home, listing and a bulletin, with 7 % RSVP POSTs and
then with none, for comparison.

Builds a throwaway SQLite demo site under /tmp, starts gunicorn on 127.0.0.1 with two
sync workers, loads it with wrk (Debian's `wrk`, loopback, 2 threads, 32 connections),
first with the page cache (needs REDIS_URL: the cache is shared by the workers and the
publisher) and then without it. Between the two it publishes a change and unpublishes
the page from another process and checks both show on the very next request. Stops
everything it started.
"""

import argparse
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site import ROOT, build_site

PAGES = {
    "bulletin": "/bulletins/february-2017/",
    "event": "/events/press-conference-and-rally-dhs/",
}
PUBLISH = """
from cms.models import BulletinPage
page = BulletinPage.objects.get(slug="february-2017", locale__language_code="en")
{action}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 loopback
            return (
                response.status,
                response.read().decode(),
                response.headers.get("X-Page-Cache", ""),
            )
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def start_server(
    env: dict, port: int, threads: int, workers: int = 2, app: str = "cms.wsgi"
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--no-control-socket",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(f"http://127.0.0.1:{port}/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def wrk(url: str, seconds: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    return rps, p99


def manage_shell(env: dict, code: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout


def check_publish_shows_at_once(env: dict, base: str) -> list[str]:
    url = base + PAGES["bulletin"]
    for _ in range(3):
        get(url)
    assert get(url)[2] == "hit", "expected a cached copy before publishing"
    manage_shell(
        env,
        PUBLISH.format(
            action="page.title = 'Published a moment ago'; "
            "page.save_revision().publish()"
        ),
    )
    status, body, cache = get(url)
    assert status == 200, status
    assert "Published a moment ago" in body, "publish did not show at once"
    manage_shell(env, PUBLISH.format(action="page.unpublish()"))
    gone = get(url)[0]
    assert gone == 404, f"unpublish did not show at once: {gone}"
    manage_shell(env, PUBLISH.format(action="page.save_revision().publish()"))
    return [
        f"publish then GET: 200, new title, X-Page-Cache={cache}",
        f"unpublish then GET: {gone}",
    ]


def throwaway_database(database_url: str) -> str:
    """A new empty database on DATABASE_URL's server; its URL."""
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = f"{parts.path.lstrip('/') or 'ona'}_storm_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_database(database_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def forget_redis_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.unlink(*keys[start : start + 1000])


def count_rsvps(env: dict) -> int:
    from bench import storm

    # The last line: the shell first says how many models it imported.
    return int(manage_shell(env, storm.COUNT_RSVPS).split()[-1])


def count_floor(database_url: str) -> int:
    """The floor's RSVPs stored (bench/storm_floor.py), its table made on first call."""
    import psycopg

    from bench.bench_petition import FLOOR_SCHEMA

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(FLOOR_SCHEMA)
        return connection.execute("SELECT count(*) FROM floor_signature").fetchone()[0]


def storm_instructions(env: dict, count: int) -> None:
    """``--storm --instructions N``: what a worker executes (callgrind's Ir, in-process,
    bench/sign_driver.py) for a cached GET and for an RSVP, and what that ratio means
    for the storm's bar. The database server's, Redis's and wrk's shares are not in
    these counts."""
    from bench import storm
    from bench.bench_petition import instructions_per_signature

    if not shutil.which("valgrind"):
        sys.exit("valgrind is missing: apt-get install -y valgrind")
    places = storm.GET_PATHS["places"]

    def per_round(path: str, read_path: str) -> float:
        return instructions_per_signature(
            "cms.wsgi", path, count, environ=env, read_path=read_path
        )

    page = per_round("-", storm.EVENT_PATH)
    fragment = per_round("-", places)
    # Where a browser goes after its RSVP (wrk does not follow the redirect): the
    # event page's rsvp/?sent=1 (events.views.thanks_url).
    thanks = per_round("-", storm.EVENT_PATH + "rsvp/?sent=1")
    # Each RSVP after a reader's GET of the fragment, as in the storm: the RSVP then
    # re-renders the cached copy (events.rsvps.refill_places).
    rsvp = per_round(storm.RSVP_PATH, places) - fragment
    ratio = rsvp / ((page + fragment) / 2)
    share = 1 / (0.93 + 0.07 * ratio)
    print(f"INSTRUCTIONS cached event page GET: {page / 1e6:.2f} M")
    print(f"INSTRUCTIONS cached places fragment GET: {fragment / 1e6:.2f} M")
    print(
        f"INSTRUCTIONS thank-you page GET after an RSVP: {thanks / 1e6:.2f} M "
        "(a browser's next request; not in the wrk storm)"
    )
    print(
        f"INSTRUCTIONS RSVP POST: {rsvp / 1e6:.2f} M ({ratio:.1f} x a cached GET; "
        f"with 7 % RSVPs a worker's instructions allow {share:.0%} of the GET-only "
        "rate; the bar (within 20 %) needs an RSVP at most 4.6 x a cached GET)"
    )


def storm_main(args) -> int:
    import asyncio

    from bench import storm

    redis_url = os.environ.get("REDIS_URL", "")
    database_url = os.environ.get("DATABASE_URL", "")
    if not redis_url or not database_url.startswith("postgres"):
        sys.exit("--storm needs REDIS_URL and a PostgreSQL DATABASE_URL")
    prefix = f"bench-{os.getpid()}"
    run_storm = storm.storm_with_wrk if shutil.which("wrk") else storm.storm
    url = throwaway_database(database_url)
    rows, load = [], [os.getloadavg()]
    try:
        var_dir, env = build_site(
            DATABASE_URL=url,
            CACHE_KEY_PREFIX=prefix,
            CELERY_BROKER_KEY_PREFIX=f"{prefix}:",
            PAGE_CACHE_SECONDS="300",
            DATABASE_CONN_MAX_AGE="600",  # persistent connections, as in production
            # One client address for every guest here: the per-client limit is not
            # what is measured.
            RATE_LIMIT_RSVP_PER_CLIENT="1000000/10m",
        )
        opened = manage_shell(env, storm.OPEN_THE_RALLY)
        storm.for_event(int(re.search(r"EVENT (\d+)", opened).group(1)))
        if args.rsvps_before:
            manage_shell(env, storm.RSVPS_BEFORE % args.rsvps_before)
        if args.instructions:
            storm_instructions(env, args.instructions)
            shutil.rmtree(var_dir, ignore_errors=True)
            return 0
        count = functools.partial(count_rsvps, env)
        app = "cms.wsgi"
        if args.floor:
            app, count = "bench.storm_floor", functools.partial(count_floor, url)
        port = free_port()
        server = start_server(env, port, args.threads, args.workers, app)
        try:
            csrf = asyncio.run(storm.csrf_pair(port))
            mixed = f"{args.post_share:.0%} RSVP POSTs"
            for name, share in (("GETs only", 0.0), (mixed, args.post_share)):
                for path in storm.GET_PATHS.values():
                    get(f"http://127.0.0.1:{port}{path}")
                before = count()
                result = run_storm(
                    port, args.seconds, share, args.connections, csrf, prefix
                )
                stored = count() - before
                load.append(os.getloadavg())
                rows.append(storm.describe(name, result, stored))
                print(name, result, f"stored={stored}", file=sys.stderr)
        finally:
            stop(server)
        shutil.rmtree(var_dir, ignore_errors=True)
    finally:
        drop_database(url)
        forget_redis_keys(redis_url, prefix)
    print(
        f"gunicorn: {args.workers} workers x {args.threads} thread(s); "
        f"{'RSVPs to the floor view (bench/storm_floor.py); ' if args.floor else ''}"
        f"{'wrk' if run_storm is storm.storm_with_wrk else 'Python load generator'}, "
        f"{args.connections} connections, {args.seconds} s per run; PostgreSQL, "
        f"Redis page cache; {args.rsvps_before:,} RSVPs stored before the runs"
    )
    print(
        "| run | requests | req/s | p50 | p99 | cache hits of page GETs "
        "| of places fragment GETs | of all GETs | RSVPs |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    print("load average (1, 5, 15 min) before and after each run: ", end="")
    print(", ".join("/".join(f"{value:.2f}" for value in sample) for sample in load))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    # 1 = gunicorn's sync worker (no keep-alive); more = gthread workers with keep-alive.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--storm", action="store_true")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--post-share", type=float, default=0.07)
    parser.add_argument(
        "--rsvps-before",
        type=int,
        default=0,
        metavar="N",
        help="with --storm: N confirmed RSVPs stored on the rally before the runs "
        "(a rally hours after its alert)",
    )
    parser.add_argument(
        "--instructions",
        type=int,
        metavar="N",
        help="with --storm: count instructions in-process under callgrind (valgrind) "
        "for N cached GETs and N RSVPs instead of the HTTP runs; nothing recorded",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="with --storm: RSVPs answered by the floor's view behind the project's "
        "stack (bench/storm_floor.py) instead of the platform's; GETs unchanged",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="1 s runs; Python load without wrk"
    )
    args = parser.parse_args()
    load = wrk
    if args.smoke:  # CI's check that this still runs (tests/bench/test_smoke.py)
        from bench._smoke import has_wrk, isolate_keys, python_load

        args.seconds = 1
        isolate_keys()
        if args.storm:  # a short run still has to carry some RSVPs
            args.connections, args.post_share = 4, 0.3
            args.rsvps_before = args.rsvps_before or 20  # and store some before
            return storm_main(args)
        if not has_wrk():

            def load(url: str, seconds: int) -> tuple[float, str]:
                figures = python_load(url, seconds, connections=4)
                assert not figures["errors_status"] + figures["errors_other"], figures
                return figures["rate"], f"{figures['p99_us'] / 1000:.1f}ms"

    elif args.storm:
        return storm_main(args)
    elif not shutil.which("wrk"):
        sys.exit("needs wrk: apt-get install -y wrk")
    redis_url = os.environ.get("REDIS_URL", "")
    prefix = f"bench-{os.getpid()}"
    var_dir, env = build_site(CACHE_KEY_PREFIX=prefix)
    rows, notes = [], []
    try:
        modes = (
            [("cached", "300"), ("uncached", "0")] if redis_url else [("uncached", "0")]
        )
        for mode, seconds in modes:
            mode_env = {**env, "PAGE_CACHE_SECONDS": seconds}
            port = free_port()
            server = start_server(mode_env, port, args.threads, args.workers)
            base = f"http://127.0.0.1:{port}"
            try:
                for name, path in PAGES.items():
                    get(base + path)
                    rps, p99 = load(base + path, args.seconds)
                    rows.append(f"| {name} | {mode} | {rps:,.0f} | {p99} |")
                if mode == "cached":
                    notes = check_publish_shows_at_once(mode_env, base)
            finally:
                stop(server)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(
        f"gunicorn: {args.workers} workers x {args.threads} thread(s); wrk -t2 -c32 -d{args.seconds}s"
    )
    print("| page | page cache | requests/s | p99 |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))
    for note in notes:
        print(f"- {note}")
    if not redis_url:
        print("- REDIS_URL unset: the page cache stays off, only uncached figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
