"""Benchmark how fast every ``flask`` command starts: ``flask --app wsgi --help``.

Each run is a fresh process (as a user typing the command); the script
reports the median and worst wall time, the CPU time (user + system) and
the peak resident memory of the child, over ``--repeat`` runs, and which
heavy libraries (pandas, statsmodels, matplotlib, WeasyPrint, scipy,
openpyxl) the started application has imported (none is expected: they are
imported inside the functions that use them).

Usage::

    .venv/bin/python bench/bench_startup.py              # 7 runs
    .venv/bin/python bench/bench_startup.py --repeat 2   # what CI runs

Target: under 1 s wall on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = Path(sys.executable).with_name("flask")
HEAVY = ("pandas", "statsmodels", "matplotlib", "weasyprint", "scipy", "openpyxl")


def _child_env(tmp: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench")
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    return env


def time_command(command: list[str], env: dict[str, str]) -> dict:
    """Wall, CPU and peak memory of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": after.ru_maxrss / 1024}


def heavy_imported(env: dict[str, str]) -> list[str]:
    probe = (
        "import json, sys; import wsgi; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = _child_env(tmp)
        runs = [
            time_command([str(FLASK), "--app", "wsgi", "--help"], env) for _ in range(args.repeat)
        ]
        heavy = heavy_imported(env)
    walls = [run["wall_s"] for run in runs]
    row = {
        "command": "flask --app wsgi --help",
        "runs": len(runs),
        "wall_median_s": round(statistics.median(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_median_s": round(statistics.median(run["cpu_s"] for run in runs), 3),
        "peak_mb": round(max(run["peak_mb"] for run in runs)),
        "heavy_imported": heavy,
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(
        f"{row['command']}: median {row['wall_median_s']:.2f} s wall "
        f"(max {row['wall_max_s']:.2f}), {row['cpu_median_s']:.2f} s CPU, "
        f"peak {row['peak_mb']} MB, heavy libraries imported: {heavy or 'none'} "
        f"(load average {row['load_average']})"
    )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps(row, indent=2))
    return 1 if heavy else 0


if __name__ == "__main__":
    raise SystemExit(main())
