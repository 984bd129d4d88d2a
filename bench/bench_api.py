"""Benchmark the API's bulk calls: 1,000 beneficiaries in, enrolled, statuses out.

Builds a fresh SQLite database (migrations, one organisation with two sites
and the built-in impact study), then times through the test client, per
repeat: ``POST /api/v1/beneficiaries`` with 1,000 new items, the same call
again (all updates), ``POST /studies/impact/enrolments`` for the 1,000, and
``GET /studies/impact/invitations?limit=1000``. Reports wall and CPU seconds.

Usage::

    .venv/bin/python bench/bench_api.py --repeat 3

No target is set by the issue; a call of 1,000 items should stay well under a
client's usual 30 s timeout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(client, method: str, url: str, body, headers: dict) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == 200, response.data[:300]
    return round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)


def run(repeat: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.models import Organisation, Site
    from survey_app.models.api import API_SCOPES
    from survey_app.services import api_keys, questionnaire_store, studies

    results = []
    for number in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            app = create_app(
                {
                    "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                    "SECRET_KEY": "bench-secret-key-not-for-production",
                    "LOG_LEVEL": "WARNING",
                }
            )
            with app.app_context():
                upgrade(revision="heads")
                organisation = Organisation(slug="bench", name="Bench")
                db.session.add(organisation)
                db.session.flush()
                sites = [
                    Site(organisation_id=organisation.id, code=code, name=code)
                    for code in ("north", "south")
                ]
                db.session.add_all(sites)
                db.session.flush()
                baseline = questionnaire_store.install_builtin(
                    db.session, organisation, "impact-baseline"
                )
                studies.create_study(
                    db.session,
                    organisation,
                    slug="impact",
                    title="Impact",
                    sites=sites,
                    waves=[studies.WavePlan("baseline", "baseline", 0, baseline)],
                )
                key = api_keys.create_key(
                    db.session, organisation, label="bench", scopes=list(API_SCOPES), valid_days=1
                )
                db.session.commit()
                headers = {"Authorization": f"Bearer {key.secret}"}
            client = app.test_client()
            items = [
                {"reference": f"B-{i:05d}", "site": "north", "support_started_on": "2026-01-05"}
                for i in range(1000)
            ]
            refs = [item["reference"] for item in items]
            row: dict = {"repeat": number}
            for name, method, url, body in [
                ("create_1000", "POST", "/api/v1/beneficiaries", {"items": items}),
                ("update_1000", "POST", "/api/v1/beneficiaries", {"items": items}),
                ("enrol_1000", "POST", "/api/v1/studies/impact/enrolments", {"references": refs}),
                ("status_1000", "GET", "/api/v1/studies/impact/invitations?limit=1000", None),
            ]:
                timing = _timed(client, method, url, body, headers)
                row[name] = dict(zip(("wall_s", "cpu_s"), timing, strict=True))
            results.append(row)
            with app.app_context():
                db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    for row in run(arguments.repeat):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
