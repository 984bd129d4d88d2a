"""Benchmark the report preview in the web interface (``/reports/preview``).

A fresh SQLite database holds one study (``tests.reports_factories``, 300
people by default, 30 with ``--quick``); a director signs in through the
Flask test client and asks for the preview, French then English. The first
request of each language analyses the study and fills the report cache; the
following ones are served from the cache, which is the figure the target is
about. Each request's wall time and this process's CPU time are reported.

Usage::

    .venv/bin/python bench/bench_preview.py            # 300 people, 5 cached requests
    .venv/bin/python bench/bench_preview.py --quick    # what CI runs

Target: a cached preview under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0


def _timed_get(client, url: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return time.perf_counter() - wall, time.process_time() - cpu


def _import_test_factories() -> None:
    """Make ``tests`` this project's folder (a site-packages ``tests`` package shadows it)."""
    import types

    package = types.ModuleType("tests")
    package.__path__ = [str(ROOT / "tests")]
    sys.modules["tests"] = package


def run(people: int, repeat: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    _import_test_factories()
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.models import Role
    from tests.factories import TEST_PASSWORD, make_user
    from tests.reports_factories import make_report_study

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "SECRET_KEY": "bench-secret-key-not-for-production",
                "REPORT_CACHE_DIR": f"{folder}/report-cache",
                "LOG_LEVEL": "WARNING",
                "WTF_CSRF_ENABLED": False,  # the test client posts the sign-in form directly
            }
        )
        with app.app_context():
            upgrade(revision="heads")
            built = make_report_study(db.session, people=people)
            director = make_user(db.session, built.organisation, Role.DIRECTOR)
            db.session.commit()
            study_id, email = built.study.id, director.email
        client = app.test_client()
        signed_in = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
        assert signed_in.status_code == 302, signed_in.data[:300]
        for lang in ("fr", "en"):
            url = f"/reports/preview?study={study_id}&period=all&lang={lang}"
            first = _timed_get(client, url)
            cached = [_timed_get(client, url) for _ in range(repeat)]
            rows.append(
                {
                    "lang": lang,
                    "people": people,
                    "first_wall_s": round(first[0], 3),
                    "first_cpu_s": round(first[1], 3),
                    "cached_wall_median_s": round(statistics.median(c[0] for c in cached), 3),
                    "cached_wall_max_s": round(max(c[0] for c in cached), 3),
                    "cached_cpu_median_s": round(statistics.median(c[1] for c in cached), 3),
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 people, 2 cached requests (CI)")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the target is missed (quiet host)"
    )
    args = parser.parse_args()
    people, repeat = (30, 2) if args.quick else (args.people, args.repeat)
    rows = run(people, repeat)
    missed = False
    for row in rows:
        met = row["cached_wall_median_s"] < TARGET_S
        missed |= not met
        print(
            f"preview {row['lang']} ({people} people): first {row['first_wall_s']:.2f} s wall "
            f"({row['first_cpu_s']:.2f} s CPU, analysis and cache), cached median "
            f"{row['cached_wall_median_s']:.3f} s wall (max {row['cached_wall_max_s']:.3f}), "
            f"{row['cached_cpu_median_s']:.3f} s CPU  target < {TARGET_S:.0f} s "
            f"{'ok' if met else 'MISSED'}"
        )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    payload = {"rows": rows, "load_average": round(os.getloadavg()[0], 1)}
    (out / "preview.json").write_text(json.dumps(payload, indent=2))
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
