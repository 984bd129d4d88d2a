"""Measure analysis.redact on the labelled sentences: precision and recall per kind.

Usage: .venv/bin/python scripts/evaluate_redaction.py [--show-errors]
Prints the Markdown table that README.md reports (tuning and held-out parts).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.redaction_metrics import evaluate, format_table, read_labelled  # noqa: E402

SETS = {
    "tuning": ROOT / "tests" / "data" / "redaction_tuning.txt",
    "held-out": ROOT / "tests" / "data" / "redaction_heldout.txt",
    "held-out 2": ROOT / "tests" / "data" / "redaction_heldout2.txt",
    "held-out 3": ROOT / "tests" / "data" / "redaction_heldout3.txt",
}


def main(argv: list[str]) -> int:
    evaluations = {name: evaluate(read_labelled(path)) for name, path in SETS.items()}
    for name, e in evaluations.items():
        print(f"{name}: {e.sentences} sentences, {e.clean} without personal data")
    print(format_table(evaluations))
    if "--show-errors" in argv:
        for name, e in evaluations.items():
            for line in e.misses:
                print(f"[{name}] MISS {line}")
            for line in e.false_alarms:
                print(f"[{name}] FALSE {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
