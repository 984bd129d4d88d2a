"""Report builds through procrastinate, a job queue kept in PostgreSQL.

Why procrastinate: the queue lives in the database every app server already
shares (no broker to run), a job deferred by one machine is run by a worker
on any machine, and a worker that dies leaves its job to be retried.
Its tables are in the ``procrastinate`` PostgreSQL schema (migration 0012),
so every connection it opens puts that schema on its ``search_path``.

The procrastinate job carries only the ``report_job`` id: parameters,
progress, errors and the result are in our tables (:mod:`.store`), where
every app server reads them.

Web processes defer through a small synchronous pool opened on first use
(after gunicorn's fork); ``flask --app wsgi jobs worker`` runs the jobs.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url

QUEUE = "reports"
TASK = "ecoute.build_report"
SEARCH_PATH = "procrastinate"

_lock = threading.Lock()
_deferrers: dict[tuple[int, str], Any] = {}


def conninfo(app: Flask) -> str:
    """The queue's PostgreSQL URL (``JOBS_DATABASE_URL`` or the app's) in psycopg's form.

    A separate URL exists for deployments with PgBouncer in transaction mode:
    the worker's LISTEN/NOTIFY and the ``search_path`` option need a session
    of their own (docs/DEPLOYMENT.md).
    """
    url = make_url(
        str(app.config.get("JOBS_DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"])
    )
    if url.get_backend_name() != "postgresql":
        raise RuntimeError("REPORT_WORKER=procrastinate needs a PostgreSQL DATABASE_URL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pool_arguments(app: Flask, *, min_size: int, max_size: int) -> dict[str, Any]:
    return {
        "conninfo": conninfo(app),
        "kwargs": {"options": f"-c search_path={SEARCH_PATH}"},
        "min_size": min_size,
        "max_size": max_size,
    }


def _deferrer(app: Flask) -> Any:
    """This process's procrastinate app for deferring (opened once, after any fork)."""
    import procrastinate

    key = (os.getpid(), conninfo(app))
    with _lock:
        found = _deferrers.get(key)
        if found is None:
            connector = procrastinate.SyncPsycopgConnector(
                **_pool_arguments(app, min_size=0, max_size=2)
            )
            found = procrastinate.App(connector=connector).open()
            _deferrers[key] = found
    return found


def close_deferrers() -> None:
    """Close this process's deferring pools and their connections.

    For a process that is done with a database (a test about to drop it); a server
    keeps its pool for its lifetime.
    """
    with _lock:
        opened = list(_deferrers.values())
        _deferrers.clear()
    for found in opened:
        found.close()


def defer(app: Flask, job_id: int) -> int:
    """Queue the build of ``report_job`` ``job_id``; return procrastinate's job id."""
    return int(_deferrer(app).configure_task(TASK, queue=QUEUE).defer(job_id=job_id))


def worker_app(app: Flask, *, concurrency: int = 1) -> Any:
    """A procrastinate app whose one task builds a report inside ``app``'s context."""
    import procrastinate

    from survey_app.extensions import db
    from survey_app.report_jobs.runner import run_job

    connector = procrastinate.PsycopgConnector(
        **_pool_arguments(app, min_size=1, max_size=concurrency + 2)
    )
    jobs = procrastinate.App(connector=connector)

    @jobs.task(name=TASK, queue=QUEUE)
    def build_report(job_id: int) -> None:
        with app.app_context():
            run_job(db.session, job_id)

    return jobs
