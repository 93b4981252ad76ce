"""CI runs both worlds and is strict about skips: FAIL_ON_SKIP=1 fails on any skip,
FAIL_ON_SKIP=services only on skips that are not "needs PostgreSQL/Redis"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.skips import SKIP_NEEDS_POSTGRES

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = f"""
import pytest

def test_passes():
    assert 1 + 1 == 2

@pytest.mark.skip(reason={SKIP_NEEDS_POSTGRES!r})
def test_needs_postgres():
    raise AssertionError("never runs")
"""
OTHER_SKIP = """
import pytest

@pytest.mark.skip(reason="no Chromium")
def test_browser():
    raise AssertionError("never runs")
"""


def run_sample(
    tmp_path, mode: str | None, *sources: str
) -> subprocess.CompletedProcess:
    for index, source in enumerate(sources):
        (tmp_path / f"test_sample_{index}.py").write_text(source)
    env = {k: v for k, v in os.environ.items() if k != "FAIL_ON_SKIP"}
    env["PYTHONPATH"] = str(ROOT)
    if mode:
        env["FAIL_ON_SKIP"] = mode
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.skips",
            "-p",
            "no:cacheprovider",
            # Only the skip rules are under test: no Django set-up, no database.
            "-p",
            "no:django",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            "-q",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("mode", "sources", "exit_code"),
    [
        ("services", (SAMPLE,), 0),
        ("services", (SAMPLE, OTHER_SKIP), 1),
        ("1", (SAMPLE,), 1),
    ],
    ids=["ci-bare-service-skip", "ci-bare-other-skip", "ci-services"],
)
def test_fail_on_skip_modes(tmp_path, mode, sources, exit_code):
    result = run_sample(tmp_path, mode, *sources)
    assert result.returncode == exit_code, result.stdout + result.stderr
    if exit_code:
        assert "FAIL_ON_SKIP" in result.stdout


def test_ci_runs_the_newcomer_world_then_the_services_world():
    script = (ROOT / ".ci" / "run").read_text()
    bare = script.index("env -u DATABASE_URL -u REDIS_URL FAIL_ON_SKIP=services")
    services = script.index(
        'DATABASE_URL="${PG_URL}" REDIS_URL="${REDIS}" FAIL_ON_SKIP=1'
    )
    assert bare < services
    assert '[ "${bare}" -eq 0 ] && [ "${services}" -eq 0 ]' in script
