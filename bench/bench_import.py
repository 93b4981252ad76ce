"""Import 50,000 CSV rows of subscribers and report how long it takes (target < 60 s).

    .venv/bin/python bench/bench_import.py                  # SQLite under var/
    .venv/bin/python bench/bench_import.py --smoke          # 300 rows, its own SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_import.py

Uses its own database (default var/bench.sqlite3), migrated on first use, and empties
the subscriber tables before each run. Rows: 2% invalid, 1% duplicates, 1% suppressed.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

ROWS = int(os.environ.get("BENCH_ROWS", "50000"))


def make_csv(rows: int) -> bytes:
    languages = ["en", "es", "hi", "zh-hans", "ar", "pl"]
    lines = ["e-mail,name,language,ZIP,lists"]
    for n in range(rows):
        if n % 50 == 7:
            email = f"broken-{n}"
        elif n % 100 == 9:
            email = f"person{n - 1}@example.org"
        else:
            email = f"person{n}@example.org"
        lists = "legal;outreach" if n % 3 else "health"
        lines.append(f"{email},Person {n},{languages[n % 6]},606{n % 100:02d},{lists}")
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    global ROWS
    if "--smoke" in sys.argv[1:]:
        # CI's check that this still runs (tests/bench/test_smoke.py): 300 rows in a
        # SQLite file of its own, whatever DATABASE_URL says.
        import tempfile

        ROWS = 300
        folder = tempfile.mkdtemp(prefix="bench-import-smoke-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from subscribers import crypto, imports
    from subscribers.models import MailingList, Subscriber, Suppression

    call_command("migrate", verbosity=0)
    Subscriber.objects.all().delete()
    Suppression.objects.all().delete()
    for slug in ("legal", "outreach", "health"):
        MailingList.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    Suppression.objects.bulk_create(
        Suppression(
            email_hash=crypto.lookup_hash(f"person{n}@example.org"), reason="complaint"
        )
        for n in range(11, ROWS, 100)
    )
    data = make_csv(ROWS)

    start = time.perf_counter()
    rows = imports.read_csv(data)
    report = imports.import_subscribers(
        rows=rows,
        allowed_lists=MailingList.objects.all(),
        importer=get_user_model()(is_superuser=True),
    )
    elapsed = time.perf_counter() - start

    print(
        f"{ROWS} rows on {connection.vendor}: {elapsed:.1f} s "
        f"({report.created} new subscribers, {report.subscribed} subscriptions, "
        f"{len(report.rejected)} rejected)"
    )
    assert Subscriber.objects.count() == report.created
    return 0 if elapsed < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
