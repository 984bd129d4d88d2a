"""The no-lost-answer scenario: load, kill -9 a worker, crash-restart PostgreSQL, send-due twice.

Everything runs against a private PostgreSQL (:class:`PrivatePostgres`), never
the machine's shared server. During the load:

* at 30 % of the run one gunicorn worker gets SIGKILL (a crash mid-request:
  its in-flight requests get no answer, the browsers resubmit);
* at 20 % and again at 45 % (``send_due_at``), two ``flask invitations
  send-due`` processes start at the same moment (cron overlap) and create
  the due follow-ups;
* at 60 % PostgreSQL stops with ``-m immediate`` (no checkpoint: a crash,
  recovered from the WAL) and starts again one second later.

A run of ``send-due`` may fail while PostgreSQL is down (it then changes
nothing: one transaction); a last run afterwards plays the next cron tick.
Afterwards :mod:`bench.load.verify` checks that every acknowledged answer is
stored exactly once with the value sent, that every "thank you" page matches
a completed response, that every unfinished respondent resumes where they
were, and that each beneficiary has exactly one follow-up invitation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.load import databases, seed
from bench.load.run import run_load
from bench.load.server import ROOT, Gunicorn
from bench.load.verify import check_database, check_resumable
from survey_app.config import normalise_database_url


def _send_due(database_url: str, outputs: list[dict[str, Any]]) -> None:
    flask = Path(sys.executable).with_name("flask")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": seed.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "MAIL_SERVER": "",
        "PUBLIC_BASE_URL": "",
    }
    finished = subprocess.run(
        [str(flask), "--app", "wsgi", "invitations", "send-due"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outputs.append(
        {
            "returncode": finished.returncode,
            "stdout": finished.stdout.strip()[-500:],
            "stderr": finished.stderr.strip()[-500:],
            "database_unavailable": "OperationalError" in finished.stderr,
        }
    )


def _send_due_available() -> bool:
    return (ROOT / "survey_app" / "cli" / "invitations.py").exists()


def follow_up_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT i.beneficiary_id) FROM invitation i "
                "JOIN wave w ON w.id = i.wave_id WHERE w.kind = 'follow_up'"
            )
        ).one()
        beneficiaries = connection.execute(text("SELECT count(*) FROM beneficiary")).scalar_one()
    engine.dispose()
    return {
        "follow_ups": row[0],
        "beneficiaries_with_follow_up": row[1],
        "beneficiaries": beneficiaries,
    }


def run_fault_scenario(
    *,
    users: int,
    duration_s: float,
    think_s: float,
    ramp_s: float,
    grace_s: float = 45.0,
    send_due_at: tuple[float, ...] = (0.2, 0.45),
    workers: int = 3,
    threads: int = 4,
    invitations: int | None = None,
    log: Any = print,
) -> dict[str, Any]:
    """Run the scenario and return the load summary with its verification."""
    with databases.PrivatePostgres() as postgres:
        database_url = databases.create_database(postgres.admin_url, "ecoute_fault")
        count = invitations or users * (int(duration_s / max(15 * think_s, 1.0)) + 2)
        tokens = seed.prepare(database_url, count).tokens
        port = databases.free_port()
        server = Gunicorn(
            port,
            workers=workers,
            threads=threads,
            env={
                "ECOUTE_ENV": "production",
                "SECRET_KEY": seed.SECRET_KEY,
                "DATABASE_URL": database_url,
                "LOG_LEVEL": "WARNING",
            },
        )
        server.start()
        faults: list[str] = []
        send_due_outputs: list[dict[str, Any]] = []
        send_due_threads: list[threading.Thread] = []
        can_send_due = _send_due_available()

        def inject(elapsed: float) -> None:
            for moment in send_due_at:
                label = f"send-due@{moment}"
                if can_send_due and elapsed > duration_s * moment and label not in faults:
                    faults.append(label)
                    for _ in range(2):
                        thread = threading.Thread(
                            target=_send_due, args=(database_url, send_due_outputs)
                        )
                        thread.start()
                        send_due_threads.append(thread)
                    log(f"  fault: two concurrent `invitations send-due` at {elapsed:.0f}s")
            if elapsed > duration_s * 0.3 and "kill-worker" not in faults:
                faults.append("kill-worker")
                log(f"  fault: kill -9 worker {server.kill_one_worker()} at {elapsed:.0f}s")
            if elapsed > duration_s * 0.6 and "restart-postgresql" not in faults:
                faults.append("restart-postgresql")
                log(f"  fault: PostgreSQL crash (-m immediate) + restart at {elapsed:.0f}s")
                postgres.restart("immediate", down_seconds=1.0)

        try:
            result = run_load(
                port,
                tokens,
                users=users,
                duration_s=duration_s,
                think_s=think_s,
                ramp_s=ramp_s,
                grace_s=grace_s,
                during=inject,
                server_cpu=server.cpu_seconds,
            )
            for thread in send_due_threads:
                thread.join(timeout=120)
            # The next cron tick: whatever a run interrupted by the database
            # crash left undone is done now, once.
            catch_up: list[dict[str, Any]] = []
            if can_send_due:
                _send_due(database_url, catch_up)
            verdict = check_database(database_url, result.respondents)
            check_resumable(port, result.respondents, verdict)
        finally:
            server.stop()
        summary = result.summary
        summary["faults"] = faults
        summary["verification"] = verdict.as_dict()
        if can_send_due:
            summary["send_due"] = {
                "runs": send_due_outputs,
                "catch_up": catch_up[0] if catch_up else None,
                **follow_up_counts(database_url),
            }
        else:
            summary["send_due"] = {"skipped": "survey_app/cli/invitations.py is not there yet"}
        return summary
