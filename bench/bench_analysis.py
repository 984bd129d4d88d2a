"""Benchmark ``analysis.analyse_study`` on synthetic studies.

Builds a tidy answer table of N beneficiaries × 2 waves × 12 questions
(fixed seed, every beneficiary answers both waves, so 24·N answers) and
times ``analyse_study`` in a fresh subprocess per size, reporting wall time
and peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``;
tracemalloc is too slow on pandas).

Usage::

    .venv/bin/python bench/bench_analysis.py                # 10k, 30k, 100k beneficiaries
    .venv/bin/python bench/bench_analysis.py --sizes 1000 5000 --repeat 3

Target: 2.4 M answers in under 5 s and 2 GB on a 2-core machine, cost
roughly linear in the number of answers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(n_beneficiaries: int, seed: int, repeat: int) -> dict:
    """Run in the child: build the table, then time analyse_study."""
    sys.path.insert(0, str(ROOT))
    from analysis import analyse_study
    from analysis.synthetic import synthetic_study

    answers, questions, invitations = synthetic_study(n_beneficiaries, seed=seed, retention=1.0)
    peak_before = _peak_mb()
    times = []
    cpu = []
    for _ in range(repeat):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        result = analyse_study(answers, questions, invitations=invitations)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
    return {
        "beneficiaries": n_beneficiaries,
        "answers": len(answers),
        "best_s": min(times),
        "median_s": sorted(times)[len(times) // 2],
        "cpu_s": min(cpu),
        "peak_mb_data": peak_before,
        "peak_mb_total": _peak_mb(),
        "gains": len(result.gains),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best and median)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.seed, args.repeat)))
        return 0
    header = (
        f"{'beneficiaries':>13} {'answers':>10} {'best s':>8} {'median s':>9} {'cpu s':>7} "
        f"{'µs/answer':>10} {'peak MB (data)':>15} {'peak MB (total)':>16}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        completed = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                str(size),
                "--seed",
                str(args.seed),
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(completed.stdout.strip().splitlines()[-1])
        per_answer = 1e6 * row["best_s"] / row["answers"]
        print(
            f"{row['beneficiaries']:>13,} {row['answers']:>10,} {row['best_s']:>8.2f} "
            f"{row['median_s']:>9.2f} {row['cpu_s']:>7.2f} {per_answer:>10.2f} "
            f"{row['peak_mb_data']:>15.0f} "
            f"{row['peak_mb_total']:>16.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
