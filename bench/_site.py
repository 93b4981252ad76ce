"""A throwaway demo site for benchmarks: its own VAR_DIR, migrated, demo loaded."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="0",
        VAR_DIR=str(var_dir),
        DEMO_ADMIN_PASSWORD="bench-only-password",  # noqa: S106 a throwaway site
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def build_site(**extra: str) -> tuple[Path, dict[str, str]]:
    """Migrate a fresh database and load the demo; returns (var dir, environment)."""
    var_dir = Path(tempfile.mkdtemp(prefix="ona-bench-"))
    env = site_env(var_dir, **extra)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
    return var_dir, env
