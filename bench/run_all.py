"""Run every bench/bench_*.py script in turn; each appends its own figures to RESULTS.md."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks yet")
        return 0
    for script in scripts:
        print(f"== {script.name}")
        subprocess.run([sys.executable, str(script)], check=True, cwd=HERE.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
