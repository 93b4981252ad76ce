"""Render the demo bulletin to e-mail in six languages; time per render.

    .venv/bin/python bench/bench_render.py [--repeat 50]

Builds a throwaway SQLite demo site under /tmp, then renders the Feb 2017 bulletin
(English, with its Spanish translation; the other languages fall back to English with
their own fixed text) `repeat` times per language after one warm-up render.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site import build_site

LANGUAGES = ["en", "es", "hi", "zh-hans", "ar", "pl"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    var_dir, env = build_site()
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        from cms.email.rendering import render_email
        from cms.models import BulletinPage

        page = BulletinPage.objects.get(
            slug="february-2017", locale__language_code="en"
        )
        revision_page = page.get_latest_revision().as_object()
        print("| language | median ms | p95 ms | HTML KiB | text KiB | queries |")
        print("| --- | --- | --- | --- | --- | --- |")
        for language in LANGUAGES:
            render_email(revision_page, language=language)  # warm templates and caches
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                rendered = render_email(revision_page, language=language)
                timings.append((time.perf_counter() - start) * 1000)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                render_email(revision_page, language=language)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"| {language} | {statistics.median(timings):.1f} | {p95:.1f} | "
                f"{len(rendered.html.encode()) / 1024:.1f} | "
                f"{len(rendered.text.encode()) / 1024:.1f} | {len(queries)} |"
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
