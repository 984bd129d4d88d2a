"""Benchmark how fast every ``flask`` command starts: ``flask --app wsgi --help``.

Each run is a fresh process (as a user typing the command); the script
reports the median and worst wall time, the CPU time (user + system) and
the peak resident memory of the child, over ``--repeat`` runs, and which
heavy libraries (pandas, statsmodels, matplotlib, WeasyPrint, scipy,
openpyxl) the started application has imported (none is expected: they are
imported inside the functions that use them).

The floor is ``python -c "import flask, sqlalchemy"``, timed the same way.

Bytecode: an installed app runs from cached bytecode (``.pyc``) after its
first start. Environments that set ``PYTHONDONTWRITEBYTECODE`` (and a venv
installed with ``pip --no-compile``) make every start compile every module
from source, which measures the compiler, not the app: the children run with
bytecode caching on, in a private temporary ``PYTHONPYCACHEPREFIX``, after
one untimed warm-up run. ``--cold`` times compiling from source instead.

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
TARGET_S = 1.0
HEAVY = ("pandas", "statsmodels", "matplotlib", "weasyprint", "scipy", "openpyxl")


def _child_env(tmp: str, *, cold: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench")
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
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
    parser.add_argument(
        "--cold", action="store_true", help="no bytecode cache: every module compiled from source"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the target is missed (quiet host)"
    )
    args = parser.parse_args()
    command = [str(FLASK), "--app", "wsgi", "--help"]
    floor_command = [sys.executable, "-c", "import flask, sqlalchemy"]
    with tempfile.TemporaryDirectory() as tmp:
        env = _child_env(tmp, cold=args.cold)
        if not args.cold:  # fill the bytecode cache, as the first start of an install does
            time_command(command, env)
            time_command(floor_command, env)
        runs = [time_command(command, env) for _ in range(args.repeat)]
        floor = [time_command(floor_command, env) for _ in range(args.repeat)]
        heavy = heavy_imported(env)
    walls = [run["wall_s"] for run in runs]
    row = {
        "command": "flask --app wsgi --help",
        "runs": len(runs),
        "wall_median_s": round(statistics.median(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_median_s": round(statistics.median(run["cpu_s"] for run in runs), 3),
        "peak_mb": round(max(run["peak_mb"] for run in runs)),
        "floor_wall_median_s": round(statistics.median(run["wall_s"] for run in floor), 3),
        "floor_cpu_median_s": round(statistics.median(run["cpu_s"] for run in floor), 3),
        "bytecode": "compiled from source" if args.cold else "cached",
        "heavy_imported": heavy,
        "load_average": round(os.getloadavg()[0], 1),
    }
    met = row["wall_median_s"] < TARGET_S
    print(
        f"{row['command']}: median {row['wall_median_s']:.2f} s wall "
        f"(max {row['wall_max_s']:.2f}), {row['cpu_median_s']:.2f} s CPU, "
        f"peak {row['peak_mb']} MB, heavy libraries imported: {heavy or 'none'}; "
        f"floor (import flask, sqlalchemy) {row['floor_wall_median_s']:.2f} s wall, "
        f"{row['floor_cpu_median_s']:.2f} s CPU; bytecode {row['bytecode']} "
        f"(load average {row['load_average']})  target < {TARGET_S:.0f} s "
        f"{'ok' if met else 'MISSED'}"
    )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps(row, indent=2))
    return 1 if heavy or (args.strict and not met) else 0


if __name__ == "__main__":
    raise SystemExit(main())
