"""bin/run, which `make run` starts: a step that fails before the servers start says
why, in the log, with its name in front like every other line."""

import os
import subprocess
import sys
from pathlib import Path

from subscribers.crypto import generate_key
from tests.processes import kill_tree

ROOT = Path(__file__).resolve().parents[2]

# `python manage.py migrate` is skipped (this test needs no database and no minute of
# migrations); every other command runs on the real interpreter.
PYTHON_WITHOUT_MIGRATE = """#!/bin/sh
if [ "$2" = "migrate" ]; then echo "No migrations to apply."; exit 0; fi
exec "{python}" "$@"
"""


def test_a_demo_load_that_fails_is_shown_and_stops_the_run(tmp_path):
    # A shell still holding the production environment (the README's deployment
    # section) when `make run` is typed: load_demo refuses, and says so.
    stub = tmp_path / "bin" / "python"
    stub.parent.mkdir()
    stub.write_text(PYTHON_WITHOUT_MIGRATE.format(python=sys.executable))
    stub.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "BASE_URL", "DEMO_ADMIN_PASSWORD"}
    }
    env.update(
        PATH=f"{stub.parent}:{Path(sys.executable).parent}:{env['PATH']}",
        VAR_DIR=str(tmp_path / "var"),
        PORT="1",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        FIELD_ENCRYPTION_KEYS=generate_key(),
        LOOKUP_HASH_KEY="y" * 43,
    )
    process = subprocess.Popen(
        ["bin/run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=180)
    finally:
        kill_tree(process)  # honcho and its servers, had the run gone on

    assert process.returncode != 0
    assert "demo | CommandError: Refusing to load the demo under production" in output
    assert "Ctrl-C stops everything" not in output, "no banner, no servers"
