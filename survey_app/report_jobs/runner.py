"""Running a report build, and handing it to whatever runs builds in this deployment.

``REPORT_WORKER`` (environment, read by the app factory) says who runs them:

``thread``
    a small pool of threads in the web process that asked (the default on
    SQLite: ``make run`` needs nothing else). Any process can report its
    progress, since the state is in the database; a job whose process died is
    started again by the next request (:data:`store.STALE_AFTER`).
``procrastinate``
    the queue in PostgreSQL (the default on PostgreSQL): the web process only
    defers the job; ``flask --app wsgi jobs worker`` processes, on any machine,
    run it. Web processes run no worker thread.
``manual``
    nobody: the job waits until :func:`run_job` is called (tests).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy.orm import Session

from survey_app.extensions import begin_read_only
from survey_app.models import Study
from survey_app.report_jobs import store

log = logging.getLogger(__name__)

WORKER_MODES = ("thread", "procrastinate", "manual")


def worker_mode(app: Flask) -> str:
    """The configured ``REPORT_WORKER``, or the default for the database in use."""
    mode = (app.config.get("REPORT_WORKER") or "").strip().lower()
    if not mode:
        uri = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
        mode = "procrastinate" if uri.startswith("postgresql") else "thread"
    if mode not in WORKER_MODES:
        raise ValueError(f"REPORT_WORKER must be one of {', '.join(WORKER_MODES)}, not {mode!r}")
    return mode


def run_job(session: Session, job_id: int) -> str | None:
    """Build the report of job ``job_id`` if it is still queued; return its final state.

    Reads the data itself (the job row holds only parameters), commits after
    each step so that every server shows the progress, and on any error
    records it on the job (the status page says so; the log has the trace).
    Returns None when the job was not queued (done, taken by another runner,
    or purged).
    """
    from survey_app.services import reporting

    job = store.claim(session, job_id)
    if job is None:
        session.rollback()
        return None
    # Plain values: the row may be deleted (purged) while the report is built.
    organisation_id, study_id, fmt = job.organisation_id, job.study_id, job.format
    parameters, version = dict(job.parameters), job.software_version
    session.commit()
    try:
        begin_read_only(session)  # reading the answers must not block respondents (SQLite)
        study = session.get(Study, study_id)
        if study is None or study.organisation_id != organisation_id:
            raise LookupError("the study no longer exists")
        params = reporting.ReportParameters.from_dict(parameters)
        fingerprint = reporting.data_fingerprint(session, study, params)
        report_input = reporting.prepare(session, study, params, software_version=version)
        session.rollback()  # end the read transaction before the long part
        if not store.heartbeat(session, job_id, 30):
            session.rollback()
            return None
        session.commit()
        content = reporting.build_pdf(report_input)
        if store.finish(session, job_id):
            cache = store.ReportCache(session, organisation_id)
            cache.put(report_input.key, fmt, content, fingerprint=fingerprint)
        session.commit()
        return "done"
    except Exception as error:  # recorded on the job and logged with its trace
        session.rollback()
        log.exception("report generation failed (job %s)", job_id)
        store.mark_failed(session, job_id, f"{type(error).__name__}: {error}")
        session.commit()
        return "failed"


def dispatch(job_id: int) -> None:
    """Hand a committed, queued job to this deployment's runner (see the module docstring)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = worker_mode(app)
    if mode == "thread":
        _pool().submit(_run_in_app, app, job_id)
    elif mode == "procrastinate":
        from survey_app.report_jobs import queue

        queue.defer(app, job_id)


def _run_in_app(app: Flask, job_id: int) -> None:
    from survey_app.extensions import db

    with app.app_context():
        run_job(db.session, job_id)


_pool_lock = threading.Lock()
_pool_state: dict[str, object] = {}


def _pool() -> ThreadPoolExecutor:
    """One small pool per process, made after gunicorn's fork (never inherited from a parent)."""
    with _pool_lock:
        if _pool_state.get("pid") != os.getpid():
            _pool_state["pid"] = os.getpid()
            # One build at a time: reports never starve the web workers of CPU.
            _pool_state["pool"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
        pool = _pool_state["pool"]
    assert isinstance(pool, ThreadPoolExecutor)  # noqa: S101 - set just above
    return pool
