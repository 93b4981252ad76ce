"""Run every bench/bench_*.py script in turn; each appends its own figures to RESULTS.md.

.venv/bin/python bench/run_all.py            # the real runs
.venv/bin/python bench/run_all.py --smoke    # each in its smoke mode: nothing recorded
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    smoke = "--smoke" in sys.argv[1:]
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks yet")
        return 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        command = [sys.executable, str(script), *(["--smoke"] if smoke else [])]
        subprocess.run(command, check=True, cwd=HERE.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
