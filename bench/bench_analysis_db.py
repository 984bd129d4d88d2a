"""Benchmark the complete analysis from the database, on SQLite and PostgreSQL.

For each size and backend: a fresh database is migrated and given the
``bench`` study (organisation, 5 sites, the built-in baseline and follow-up
questionnaires); its answers, N beneficiaries × 2 waves × 12 closed questions
(24·N answers, fixed seed), are written as a CSV tidy table by numpy alone
(``bench_import.write_csv``, nothing from the application) and brought in by
``flask --app wsgi responses import``. Then, each in a fresh process: the
loader (``load_study_tables``: SQL → tidy table) and ``analyse_study`` timed
separately, ``flask --app wsgi indicators bench --json`` and ``flask --app
wsgi report bench --out FILE.pdf`` as a user runs them (wall, CPU =
user + system, peak resident memory of that process alone). PostgreSQL
databases are created on ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) and dropped afterwards.

Targets (issue 14): 2.4 M answers under 5 s wall and 1.5 GB for
``indicators --json``, under 10 s for the PDF; cost linear in the answers.

Usage::

    .venv/bin/python bench/bench_analysis_db.py      # 240 k, 720 k, 2.4 M answers, both backends
    .venv/bin/python bench/bench_analysis_db.py --sizes 500          # what CI runs
    .venv/bin/python bench/bench_analysis_db.py --sizes 100000 --backends sqlite --no-pdf
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


def fill(url: str, n_beneficiaries: int, seed: int) -> tuple[float, dict]:
    """Create the bench study, then bring its answers in as a user would; return the seconds.

    The answers are a CSV tidy table written by ``bench_import.write_csv`` with
    numpy alone (nothing from the application), imported by the command a
    user runs: ``flask --app wsgi responses import bench FILE.csv``. Also
    returns that command's wall, CPU and peak memory.
    """
    import bench_import

    started = time.perf_counter()
    bench_import.prepare_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.csv"
        bench_import.write_csv(path, n_beneficiaries, seed)
        imported = bench_import.run_import(url, path)
    timing = {f"import_{key}": imported[key] for key in ("wall_s", "cpu_s", "peak_mb")}
    return time.perf_counter() - started, timing


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


def run_child(argv: list[str], env: dict[str, str]) -> dict:
    """Run one command; its own wall time, CPU time (user + system) and peak resident memory.

    ``os.wait4`` gives this child's resource usage alone (``RUSAGE_CHILDREN``
    would report the largest of all children so far).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "returncode": child.returncode,
            "stdout": out.read().decode(),
            "stderr": err.read().decode(),
            "wall_s": round(wall, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024),
        }


def _timed(url: str, *arguments: str) -> tuple[str, dict]:
    """Run ``flask --app wsgi ARGUMENTS`` as a user does; its stdout and timings."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", LOG_LEVEL="WARNING")  # noqa: S106
    flask = str(Path(sys.executable).with_name("flask"))
    result = run_child([flask, "--app", "wsgi", *arguments], env)
    if result["returncode"] != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{result['stdout']}\n{result['stderr']}")
    return result["stdout"], {key: result[key] for key in ("wall_s", "cpu_s", "peak_mb")}


def indicators_command(url: str, n_answers: int) -> dict:
    """``flask --app wsgi indicators bench --json``: wall, CPU, peak memory."""
    stdout, timing = _timed(url, "indicators", "bench", "--json")
    assert json.loads(stdout)["n_answers"] == n_answers
    return {f"cmd_{key}": value for key, value in timing.items()}


def report_command(url: str) -> dict:
    """``flask --app wsgi report bench --out FILE.pdf``: wall, CPU, peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        _child, timing = _timed(url, "report", "bench", "--out", str(out))
        assert out.read_bytes().startswith(b"%PDF")
    return {f"pdf_{key}": value for key, value in timing.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-pdf", action="store_true", help="Skip the PDF report command.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    print(
        f"{'backend':<11} {'beneficiaries':>13} {'answers':>10} {'fill s':>7} "
        f"{'load s':>7} {'analysis s':>10} {'total s':>8} {'peak MB':>8} "
        f"{'cmd wall s':>10} {'cmd CPU s':>9} {'cmd MB':>7} "
        f"{'pdf wall s':>10} {'pdf CPU s':>9} {'pdf MB':>7}"
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
                    fill_s, import_timing = fill(url, size, args.seed)
                    child = subprocess.run(
                        [sys.executable, __file__, "--worker", url],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=ROOT,
                    )
                    row = json.loads(child.stdout.strip().splitlines()[-1])
                    row.update(import_timing)
                    row.update(indicators_command(url, row["answers"]))
                    if not args.no_pdf:
                        row.update(report_command(url))
                finally:
                    if backend == "postgresql":
                        _drop_postgres(url)
            print(
                f"{backend:<11} {size:>13,} {row['answers']:>10,} {fill_s:>7.1f} "
                f"{row['load_s']:>7.2f} {row['analysis_s']:>10.2f} "
                f"{row['total_s']:>8.2f} {row['peak_mb']:>8} {row['cmd_wall_s']:>10.2f} "
                f"{row['cmd_cpu_s']:>9.2f} {row['cmd_peak_mb']:>7} "
                f"{row.get('pdf_wall_s', 0):>10.2f} {row.get('pdf_cpu_s', 0):>9.2f} "
                f"{row.get('pdf_peak_mb', 0):>7}"
            )
            results.append({"backend": backend, "beneficiaries": size, **row})
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "analysis_db.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
