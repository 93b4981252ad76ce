"""The storm after a rally alert, for ``bench/bench_pages.py --storm``.

wrk with bench/storm.lua where it is installed, else a Python load generator (asyncio,
one connection per request as gunicorn's sync workers close each): ~93 % GETs spread over the rally event, its places fragment (what the
page's script fetches), the home page, the events listing and a bulletin, and ~7 % RSVP
POSTs to the rally, a new address each, with one CSRF cookie and token. Reports req/s,
p50/p99, the page cache's answers and the RSVPs sent, accepted and stored.
"""

import asyncio
import os
import random
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

EVENT_PATH = "/events/press-conference-and-rally-dhs/"
GET_PATHS = {
    "event": EVENT_PATH,
    "places": "/_events/{event_id}/places/",  # what the page's script fetches
    "home": "/",
    "listing": "/events/",
    "bulletin": "/bulletins/february-2017/",
}
RSVP_PATH = "/_events/{event_id}/rsvp/"  # where the page's RSVP form posts
# How the places fragment's body begins (templates/events/includes/places.html): its
# answers are counted apart from the pages', as every RSVP purges it on purpose.
FRAGMENT_START = b'<div class="rsvp-state"'


def for_event(event_id: int) -> None:
    """Fill in the rally's id (printed by OPEN_THE_RALLY)."""
    global RSVP_PATH
    GET_PATHS["places"] = GET_PATHS["places"].format(event_id=event_id)
    RSVP_PATH = RSVP_PATH.format(event_id=event_id)


# The demo's rally is in 2017: the storm moves it to next week with RSVPs open here,
# room for everyone, published like an editor would.
OPEN_THE_RALLY = """
from datetime import timedelta
from django.utils import timezone
from events.models import EventPage
event = EventPage.objects.get(slug="press-conference-and-rally-dhs", locale__language_code="en")
event.start = timezone.now() + timedelta(days=7)
event.end = event.start + timedelta(hours=2)
event.rsvp_mode = "internal"
event.capacity = 1_000_000
event.waitlist = True
event.save_revision().publish()
print("EVENT", event.pk)
"""
# A rally some hours after its alert: RSVPs already stored (confirmed, a new address
# each), and the table analysed as autovacuum would have by then. %d: how many.
RSVPS_BEFORE = """
from django.db import connection
from events.models import EventPage, Rsvp
from subscribers import crypto
event = EventPage.objects.get(slug="press-conference-and-rally-dhs", locale__language_code="en")
count = %d
for start in range(0, count, 1000):
    Rsvp.objects.bulk_create(
        Rsvp(
            event=event,
            name=f"Earlier guest {n}",
            email=f"earlier-{n}@example.org",
            email_hash=crypto.lookup_hash(f"earlier-{n}@example.org"),
            language="en",
            status=Rsvp.Status.CONFIRMED,
        )
        for n in range(start, min(start + 1000, count))
    )
with connection.cursor() as cursor:
    cursor.execute("ANALYZE events_rsvp")
print("STORED", Rsvp.objects.filter(event=event).count())
"""
COUNT_RSVPS = """
from events.models import Rsvp
print(Rsvp.objects.filter(event__slug="press-conference-and-rally-dhs").count())
"""


def _head(host: str, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        "User-Agent: storm\r\n\r\n"
    ).encode()


def _post(host: str, path: str, form: dict, cookie: str) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: csrftoken={cookie}\r\n"
        "User-Agent: storm\r\n\r\n"
    ).encode() + body


async def _exchange(port: int, raw: bytes) -> tuple[int, str, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    label = ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "x-page-cache":
            label = value.strip()
    return status, label, body


async def csrf_pair(port: int) -> tuple[str, str]:
    """(cookie, form token) from the RSVP form, reused by every POST."""
    raw = _head(f"127.0.0.1:{port}", RSVP_PATH)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    data = (await reader.read()).decode()
    writer.close()
    cookie = re.search(r"csrftoken=([^;\s]+)", data).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1)
    return cookie, token


async def _run(port, seconds, post_share, connections, csrf, run_id) -> dict:
    host = f"127.0.0.1:{port}"
    cookie, token = csrf
    latencies, post_latencies, labels, statuses = [], [], {}, {}
    sent = {"rsvp": 0, "rsvp_ok": 0, "get": 0}
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    async def client():
        paths = list(GET_PATHS.values())
        while time.monotonic() < deadline:
            is_post = random.random() < post_share  # noqa: S311 not security
            if is_post:
                number = next(counter)
                form = {
                    "name": "Ana Storm",  # names have no digits
                    "email": f"storm-{run_id}-{number}@example.org",
                    "website": "",
                    "csrfmiddlewaretoken": token,
                }
                raw = _post(host, RSVP_PATH, form, cookie)
            else:
                raw = _head(host, random.choice(paths))  # noqa: S311
            started = time.perf_counter()
            try:
                status, label, body = await _exchange(port, raw)
            except OSError:
                status, label, body = 0, "", b""
            latencies.append(time.perf_counter() - started)
            if is_post:
                post_latencies.append(latencies[-1])
            statuses[status] = statuses.get(status, 0) + 1
            if is_post:
                sent["rsvp"] += 1
                sent["rsvp_ok"] += status == 303
            else:
                sent["get"] += 1
                label = label or "none"
                if body.startswith(FRAGMENT_START):
                    label = "places_" + ("miss" if label == "none" else label)
                labels[label] = labels.get(label, 0) + 1

    began = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.monotonic() - began
    latencies.sort()
    post_latencies.sort()
    total = len(latencies)
    return {
        "requests": total,
        "rps": total / elapsed,
        "p50_ms": latencies[total // 2] * 1000,
        "p99_ms": latencies[min(total - 1, int(total * 0.99))] * 1000,
        "post_p50_ms": post_latencies[len(post_latencies) // 2] * 1000
        if post_latencies
        else 0,
        "labels": labels,
        "statuses": statuses,
        **sent,
    }


def storm(port, seconds, post_share, connections, csrf, run_id) -> dict:
    return asyncio.run(_run(port, seconds, post_share, connections, csrf, run_id))


def storm_with_wrk(port, seconds, post_share, connections, csrf, run_id) -> dict:
    """The same mix from wrk (bench/storm.lua): keep-alive connections, and a load
    generator that takes far less of the two cores than the Python one."""
    cookie, token = csrf
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(Path(__file__).with_name("storm.lua")), f"http://127.0.0.1:{port}/"],
        env={**os.environ, "STORM_GETS": " ".join(GET_PATHS.values()),
             "RSVP_PATH": RSVP_PATH, "POST_SHARE": str(post_share),
             "CSRF_TOKEN": token, "CSRF_COOKIE": cookie, "RUN_ID": run_id,
             "FRAGMENT_START": FRAGMENT_START.decode()},
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    figures = {
        key: int(value)
        for key, value in re.findall(r"(\w+)=(\d+)", output.split("STORM", 1)[1])
    }
    posts = figures["posts"]
    labels = {
        name: figures[name]
        for name in ("hit", "stale", "miss", "none", *PLACES_LABELS)
        if figures[name]
    }
    return {
        "requests": figures["completed"],
        "rps": figures["completed"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "labels": labels,
        "statuses": {"not 200/303": figures["not_ok"] + figures["errors_other"]},
        "rsvp": posts,
        "rsvp_ok": figures["posts_ok"],
        # The GETs answered: every answer but an RSVP's redirect is labelled. (Not
        # completed - posts: the RSVPs wrk sent and stopped before their answer are
        # not in completed, which made the hit share pass 100 %.)
        "get": sum(figures[name] for name in ("hit", "stale", "miss", "none"))
        + sum(figures[name] for name in PLACES_LABELS),
    }


PLACES_LABELS = ("places_hit", "places_stale", "places_miss")


def describe(name: str, result: dict, stored: int | None) -> str:
    labels = result["labels"]
    places = {label: labels.get(label, 0) for label in PLACES_LABELS}
    gets = max(result["get"], 1)
    pages = max(result["get"] - sum(places.values()), 1)
    fragments = max(sum(places.values()), 1)
    hits = labels.get("hit", 0) + places["places_hit"]
    stale = labels.get("stale", 0) + places["places_stale"]
    rsvps = (
        f"{result['rsvp']} sent, {result['rsvp_ok']} accepted, {stored} stored"
        if result["rsvp"]
        else "none"
    )
    return (
        f"| {name} | {result['requests']:,} | {result['rps']:,.0f} | "
        f"{result['p50_ms']:.0f} ms | {result['p99_ms']:.0f} ms | "
        f"{100 * labels.get('hit', 0) / pages:.1f} % | "
        f"{100 * places['places_hit'] / fragments:.0f} % "
        f"(+{100 * places['places_stale'] / fragments:.0f} % stale) | "
        f"{100 * hits / gets:.1f} % (+{100 * stale / gets:.1f} % stale) | {rsvps} |"
    )
