"""Benchmark ``responses import`` of a large CSV tidy table, on SQLite and PostgreSQL.

For each size: a CSV of N beneficiaries × 2 waves × 12 closed questions
(24·N answers, fixed seed) is written by this script with numpy (nothing
from the application), a fresh database gets the ``bench`` study (as in
``bench_analysis_db.py``), then ``flask --app wsgi responses import bench
FILE.csv`` runs in a child process: its wall time, CPU time (user + system)
and peak resident memory are reported. PostgreSQL databases are created on
``BENCH_POSTGRES_URL`` and dropped afterwards.

Usage::

    .venv/bin/python bench/bench_import.py      # 240 k, 720 k, 2.4 M answers, both backends
    .venv/bin/python bench/bench_import.py --sizes 500   # what CI runs

Target: 2.4 M answers in under 2 minutes, memory bounded.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_analysis_db as common  # noqa: E402 - after the path set-up above

from analysis.inputs import ANSWER_COLUMNS  # noqa: E402

KEYS = [
    "listen_heard",
    "listen_understood",
    "listen_time",
    "listen_respect",
    "conf_future",
    "conf_solve",
    "conf_ask",
    "conf_self",
    "auto_admin",
    "auto_online",
    "auto_appointments",
    "auto_money",
]
INDICATOR = {"listen": "listening", "conf": "confidence", "auto": "autonomy"}
HEADER = list(ANSWER_COLUMNS)  # the tidy table's columns (docs/CONTRACTS.md)


def write_csv(path: Path, n_beneficiaries: int, seed: int) -> int:
    """The tidy table of N beneficiaries × 2 waves × 12 agreement questions; return the rows."""
    import numpy as np

    rng = np.random.default_rng(seed)
    site = rng.integers(0, 5, n_beneficiaries)
    day = rng.integers(0, 365, n_beneficiaries)
    latent = rng.normal(3.3, 0.8, n_beneficiaries)
    start = np.datetime64("2025-01-01")
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for wave, kind, version, gain, delay in (
            ("baseline", "baseline", "impact-baseline@1", 0.0, 0),
            ("followup1", "follow_up", "impact-followup@1", 0.4, 90),
        ):
            levels = latent[:, None] + gain + rng.normal(0, 0.7, (n_beneficiaries, len(KEYS)))
            codes = np.clip(np.rint(levels), 1, 5).astype(int)
            dates = (start + day + delay).astype(str)
            for i in range(n_beneficiaries):
                head = [f"{wave}-{i}", f"B{i:07d}", "bench", wave, kind, f"s{site[i]}", version]
                tail = [dates[i], "self", "fr"]
                for key, code in zip(KEYS, codes[i], strict=True):
                    writer.writerow([*head, key, INDICATOR[key.split("_")[0]], code, *tail])
                    rows += 1
    return rows


def prepare_database(url: str) -> None:
    from survey_app.extensions import db

    app = common._app(url)
    with app.app_context():
        common.create_study(db.session)
        db.engine.dispose()


def run_import(url: str, path: Path) -> dict:
    """``flask --app wsgi responses import bench FILE``: wall, CPU, peak memory, its output."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", LOG_LEVEL="WARNING")  # noqa: S106
    flask = str(Path(sys.executable).with_name("flask"))
    row = common.run_child([flask, "--app", "wsgi", "responses", "import", "bench", str(path)], env)
    if row["returncode"] != 0:
        raise SystemExit(f"import failed:\n{row['stdout']}\n{row['stderr']}")
    return {
        "wall_s": round(row["wall_s"], 1),
        "cpu_s": round(row["cpu_s"], 1),
        "peak_mb": row["peak_mb"],
        "output": row["stdout"].strip(),
        "progress_lines": len(row["stderr"].strip().splitlines()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"{'backend':<11} {'beneficiaries':>13} {'answers':>10} {'wall s':>7} {'CPU s':>6} "
          f"{'peak MB':>8}  (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "answers.csv"
            answers = write_csv(path, size, args.seed)
            for backend in args.backends:
                url = (
                    f"sqlite:///{tmp}/bench.sqlite3"
                    if backend == "sqlite"
                    else common._postgres_database()
                )
                try:
                    prepare_database(url)
                    row = run_import(url, path)
                finally:
                    if backend == "postgresql":
                        common._drop_postgres(url)
                expected = f"imported {2 * size} responses, {answers} answers"
                if expected not in row["output"]:
                    raise SystemExit(f"unexpected result: {row['output']}")
                results.append(
                    {"backend": backend, "beneficiaries": size, "answers": answers, **row}
                )
                print(
                    f"{backend:<11} {size:>13,} {answers:>10,} {row['wall_s']:>7.1f} "
                    f"{row['cpu_s']:>6.1f} {row['peak_mb']:>8}"
                )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "import.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
