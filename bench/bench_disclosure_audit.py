"""Count what the disclosure audit checks, and how much it finds (issue 11).

Runs ``analysis.disclosure_audit.audit_publication`` over everything
``StudyAnalysis.to_dict()`` publishes for: the constructed adversarial
studies of ``tests/unit/analysis/disclosure_studies.py`` (k = 3, 5, 8), a
synthetic study of 400 people (``analysis.synthetic``) and ``--random``
random small studies (1–4 sites, 5–80 people, share 0–100 %, k = 3–6).
Prints the number of studies, of withheld or bounded counts audited, of
recoverable ones (must be 0) and the CPU time of the audits.

Usage::

    .venv/bin/python bench/bench_disclosure_audit.py --random 40

The demo (database) is audited by ``tests/db/core/test_disclosure_demo.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import importlib.util

    from analysis.synthetic import synthetic_study

    # loaded by path: a "tests" package of a dependency can shadow ours on sys.path
    path = ROOT / "tests" / "unit" / "analysis" / "disclosure_studies.py"
    spec = importlib.util.spec_from_file_location("disclosure_studies", path)
    studies = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(studies)
    adversarial_studies, audit, random_study = (
        studies.adversarial_studies,
        studies.audit,
        studies.random_study,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=40, help="number of random studies")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import numpy as np

    cases = [
        (f"{name} (k={k})", study, k)
        for name, study in adversarial_studies().items()
        for k in (3, 5, 8)
    ]
    cases.append(("synthetic 400 people (k=5)", synthetic_study(400, seed=3), 5))
    rng = np.random.default_rng(args.seed)
    for i in range(args.random):
        params = (
            int(rng.integers(0, 10_000)),
            int(rng.integers(5, 81)),
            int(rng.integers(1, 5)),
            float(rng.choice([0.0, 0.5, 0.8, 0.95, 1.0])),
            float(rng.choice([0.1, 0.6, 1.0])),
        )
        cases.append((f"random {i} {params}", random_study(*params), int(rng.integers(3, 7))))

    audited = recoverable = 0
    cpu = 0.0
    for name, study, k in cases:
        start = time.process_time()
        leaks, n = audit(study, k)
        cpu += time.process_time() - start
        audited += n
        recoverable += len(leaks)
        for leak in leaks:
            print(f"LEAK {name}: {leak}")
    print(f"studies audited: {len(cases)}")
    print(f"withheld or bounded counts audited: {audited}")
    print(f"recoverable (narrower than their protection interval): {recoverable}")
    print(f"CPU seconds (analysis + audit): {cpu:.1f}")
    return 1 if recoverable else 0


if __name__ == "__main__":
    raise SystemExit(main())
