"""Render the demo bulletin to e-mail in six languages, and the demo bulletin, event and
event listing as uncached web pages; CPU time and queries per render.

    .venv/bin/python bench/bench_render.py [--repeat 50]
    .venv/bin/python bench/bench_render.py --smoke      # seconds, figures meaningless

Builds a throwaway SQLite demo site under /tmp (the cache is per process, or Redis when
REDIS_URL is set, under keys of its own). E-mail: the Feb 2017 bulletin (English, with
its Spanish translation; the other languages fall back to English with their own fixed
text) rendered `repeat` times per language after one warm-up render. Pages: each GET
in this process through the whole middleware stack (Django's test client) with the page
cache off, `repeat` times after one warm-up; CPU is this process's time
(time.process_time), so a busy machine inflates it less than the wall clock.
Issue 18's budget: <= 10 queries and <= 15 ms CPU per page.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site import build_site
from bench._smoke import isolate_keys

LANGUAGES = ["en", "es", "hi", "zh-hans", "ar", "pl"]
PAGES = {
    "bulletin": "/bulletins/february-2017/",
    "event": "/events/press-conference-and-rally-dhs/",
    "listing": "/events/",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def email_rows(repeat: int) -> list[str]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from cms.email.rendering import render_email
    from cms.models import BulletinPage

    page = BulletinPage.objects.get(slug="february-2017", locale__language_code="en")
    revision_page = page.get_latest_revision().as_object()
    rows = [
        "| language | median ms | p95 ms | HTML KiB | text KiB | queries |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for language in LANGUAGES:
        render_email(revision_page, language=language)  # warm templates and caches
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            rendered = render_email(revision_page, language=language)
            timings.append((time.perf_counter() - start) * 1000)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            render_email(revision_page, language=language)
        rows.append(
            f"| {language} | {statistics.median(timings):.1f} | "
            f"{percentile(timings, 0.95):.1f} | "
            f"{len(rendered.html.encode()) / 1024:.1f} | "
            f"{len(rendered.text.encode()) / 1024:.1f} | {len(queries)} |"
        )
    return rows


def page_rows(repeat: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    rows = [
        "| page | median CPU ms | p95 CPU ms | median wall ms | queries |",
        "| --- | --- | --- | --- | --- |",
    ]

    def get(path: str):
        # A parameter no page reads, new each time: never a page-cache hit.
        response = client.get(f"{path}?bench={uuid.uuid4().hex}")
        assert response.status_code == 200, (path, response.status_code)
        assert response.get("X-Page-Cache") not in {"hit", "stale"}, path
        return response

    for name, path in PAGES.items():
        get(path)  # warm templates, the page frame and the site's root paths
        cpu, wall = [], []
        for _ in range(repeat):
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            get(path)
            cpu.append((time.process_time() - cpu_start) * 1000)
            wall.append((time.perf_counter() - wall_start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            get(path)
        rows.append(
            f"| {name} | {statistics.median(cpu):.1f} | {percentile(cpu, 0.95):.1f} "
            f"| {statistics.median(wall):.1f} | {len(queries)} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="2 renders each")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 2
    if os.environ.get("REDIS_URL"):
        isolate_keys()
    load = os.getloadavg()
    var_dir, env = build_site(PAGE_CACHE_SECONDS="0")
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        print("\n".join(email_rows(args.repeat)))
        print()
        print("\n".join(page_rows(args.repeat)))
        cache = "Redis" if settings.REDIS_URL else "per-process (locmem)"
        print(
            f"\n{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"{cache} cache, {args.repeat} renders each; load average before "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, after "
            "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
        )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
