"""Benchmark the complete analysis from the database, on SQLite and PostgreSQL.

For each size and backend: a fresh database is migrated and filled with N
beneficiaries × 2 waves × 12 closed questions of the built-in questionnaires
(24·N answers, fixed seed); then a fresh subprocess times the loader
(``load_study_tables``: SQL → tidy table) and ``analyse_study`` separately and
reports its peak resident memory. PostgreSQL databases are created on
``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
and dropped afterwards.

Usage::

    .venv/bin/python bench/bench_analysis_db.py           # 100k beneficiaries, both backends
    .venv/bin/python bench/bench_analysis_db.py --sizes 10000 --backends sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_QUESTIONS = 12
CHUNK = 50_000


def _app(url: str):
    from survey_app import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})


def _postgres_database() -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(
        os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    name = f"ecoute_bench_{secrets.token_hex(4)}"
    with psycopg.connect(
        f"host={admin.host} port={admin.port or 5432} "
        f"user={admin.username} dbname={admin.database}",
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        f"host={parsed.host} port={parsed.port or 5432} user={parsed.username} dbname=test",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def create_study(session):
    """Migrate, then the bench organisation, its 5 sites and the two-wave study ``bench``."""
    from flask_migrate import upgrade

    from survey_app.models import Site
    from survey_app.services import accounts, questionnaire_store, studies

    upgrade(revision="heads")
    organisation = accounts.create_organisation(session, "bench", "Bench")
    sites = [
        Site(organisation_id=organisation.id, code=f"s{i}", name=f"Site {i}") for i in range(5)
    ]
    session.add_all(sites)
    session.flush()
    baseline = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
    follow_up = questionnaire_store.install_builtin(session, organisation, "impact-followup")
    study = studies.create_study(
        session,
        organisation,
        slug="bench",
        title="Bench",
        sites=sites,
        waves=[
            studies.WavePlan("baseline", "baseline", 0, baseline),
            studies.WavePlan("followup1", "follow_up", 90, follow_up),
        ],
    )
    session.commit()
    return organisation, sites, baseline, follow_up, study


def fill(url: str, n_beneficiaries: int, seed: int) -> float:
    """Migrate and fill the database; return the seconds it took."""
    import numpy as np
    from sqlalchemy import insert

    import questionnaires
    from survey_app.extensions import db
    from survey_app.models import Answer, Beneficiary, Response

    started = time.perf_counter()
    app = _app(url)
    with app.app_context():
        session = db.session
        organisation, sites, baseline, follow_up, study = create_study(session)
        definition = questionnaires.load_builtin("impact-baseline")
        closed = [q for q in definition.questions if q.is_closed][:N_QUESTIONS]
        rng = np.random.default_rng(seed)
        waves = {wave.key: wave for wave in study.waves}
        site_ids = np.array([site.id for site in sites])
        first_day = date(2025, 1, 1)
        connection = session.connection()
        for start in range(0, n_beneficiaries, CHUNK):
            stop = min(start + CHUNK, n_beneficiaries)
            count = stop - start
            site_of = site_ids[rng.integers(0, len(site_ids), count)]
            day_of = rng.integers(0, 365, count)
            result = connection.execute(
                insert(Beneficiary).returning(Beneficiary.id),
                [
                    {
                        "organisation_id": organisation.id,
                        "code": f"B{start + i:07d}",
                        "site_id": int(site_of[i]),
                        "support_started_on": first_day + timedelta(days=int(day_of[i])),
                        "created_at": datetime(2025, 1, 1),
                    }
                    for i in range(count)
                ],
            )
            ids = [row[0] for row in result]
            latent = rng.normal(3.3, 0.8, count)
            responses, answers = [], []
            for wave_key, gain, version in (
                ("baseline", 0.0, baseline),
                ("followup1", 0.4, follow_up),
            ):
                wave = waves[wave_key]
                for i, beneficiary_id in enumerate(ids):
                    response_id = secrets.token_hex(16)
                    day = first_day + timedelta(days=int(day_of[i]) + (90 if gain else 0))
                    responses.append(
                        {
                            "id": response_id,
                            "organisation_id": organisation.id,
                            "study_id": study.id,
                            "wave_id": wave.id,
                            "questionnaire_version_id": version.id,
                            "site_id": int(site_of[i]),
                            "beneficiary_id": beneficiary_id,
                            "mode": "self",
                            "language": "fr",
                            "completed_on": day,
                            "completed_at": datetime.combine(day, datetime.min.time()),
                            "consented": True,
                            "revision": 0,
                            "imported": True,
                        }
                    )
                    noise = rng.normal(0, 0.7, len(closed))
                    for question, e in zip(closed, noise, strict=True):
                        level = latent[i] + gain + e
                        if question.type == "agreement":
                            value = str(int(min(5, max(1, round(level)))))
                        elif question.type == "rating":
                            value = str(int(min(10, max(0, round(level * 2)))))
                        elif question.type == "yes_no":
                            value = "yes" if level > 3.2 else "no"
                        else:
                            value = question.choices[0].code
                        answers.append(
                            {
                                "response_id": response_id,
                                "question_key": question.key,
                                "value": value,
                                "number": questionnaires.score(question, value),
                            }
                        )
            connection.execute(insert(Response), responses)
            for offset in range(0, len(answers), CHUNK):
                connection.execute(insert(Answer), answers[offset : offset + CHUNK])
            session.commit()
            connection = session.connection()
    with app.app_context():
        db.engine.dispose()
    return time.perf_counter() - started


def worker(url: str) -> dict:
    """In a fresh process: time the loader and the analysis, report peak memory."""
    import analysis
    from survey_app.extensions import db
    from survey_app.services.analysis_input import load_study_tables
    from survey_app.services.studies import get_study

    app = _app(url)
    with app.app_context():
        study = get_study(db.session, 1, "bench")
        started = time.perf_counter()
        tables = load_study_tables(db.session, study)
        loaded = time.perf_counter()
        result = analysis.analyse_study(
            tables.answers, tables.questions, invitations=tables.invitations
        )
        analysed = time.perf_counter()
        n_answers = len(tables.answers)
        assert result.to_dict()["n_answers"] == n_answers
        db.engine.dispose()
    return {
        "answers": n_answers,
        "load_s": round(loaded - started, 2),
        "analysis_s": round(analysed - loaded, 2),
        "total_s": round(analysed - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def indicators_command(url: str, n_answers: int) -> dict:
    """``flask --app wsgi indicators bench --json`` as a user runs it: wall, CPU, peak memory."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", LOG_LEVEL="WARNING")  # noqa: S106
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.run(
        [
            str(Path(sys.executable).with_name("flask")),
            "--app",
            "wsgi",
            "indicators",
            "bench",
            "--json",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert json.loads(child.stdout)["n_answers"] == n_answers
    return {
        "cmd_wall_s": round(wall, 2),
        "cmd_cpu_s": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2
        ),
        "cmd_peak_mb": round(after.ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    print(
        f"{'backend':<11} {'beneficiaries':>13} {'answers':>10} {'fill s':>7} "
        f"{'load s':>7} {'analysis s':>10} {'total s':>8} {'peak MB':>8} "
        f"{'cmd wall s':>10} {'cmd CPU s':>9} {'cmd MB':>7}"
        f"  (load average {os.getloadavg()[0]:.1f})"
    )
    results = []
    for size in args.sizes:
        for backend in args.backends:
            with tempfile.TemporaryDirectory() as tmp:
                url = (
                    f"sqlite:///{tmp}/bench.sqlite3"
                    if backend == "sqlite"
                    else _postgres_database()
                )
                try:
                    fill_s = fill(url, size, args.seed)
                    child = subprocess.run(
                        [sys.executable, __file__, "--worker", url],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=ROOT,
                    )
                    row = json.loads(child.stdout.strip().splitlines()[-1])
                    row.update(indicators_command(url, row["answers"]))
                finally:
                    if backend == "postgresql":
                        _drop_postgres(url)
            print(
                f"{backend:<11} {size:>13,} {row['answers']:>10,} {fill_s:>7.1f} "
                f"{row['load_s']:>7.2f} {row['analysis_s']:>10.2f} "
                f"{row['total_s']:>8.2f} {row['peak_mb']:>8} {row['cmd_wall_s']:>10.2f} "
                f"{row['cmd_cpu_s']:>9.2f} {row['cmd_peak_mb']:>7}"
            )
            results.append({"backend": backend, "beneficiaries": size, **row})
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "analysis_db.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
