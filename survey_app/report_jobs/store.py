"""Report builds and cached reports as rows: what every app server reads and writes.

A build is a :class:`~survey_app.models.ReportJob` row that goes
``queued → running → done`` (or ``failed``). Whoever runs it — a thread of
the web process (SQLite) or a ``jobs worker`` process (PostgreSQL) — first
*claims* it with one conditional ``UPDATE`` (only a queued job can be
claimed, so two runners never build the same row), moves its heartbeat on
at each step, and stores the PDF as a :class:`~survey_app.models.ReportArtefact`
only if the row is still running: a job deleted by an erasure meanwhile
leaves nothing behind.

A queued or running job whose heartbeat is older than :data:`STALE_AFTER`
lost its runner (a restarted worker, a machine gone): the next request for
the same report marks it failed and starts a new one.

Functions take the session and plain values and flush; the caller commits
(a view at its end, the runner between steps so that progress is visible).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.models import ReportArtefact, ReportJob, utcnow

#: Cached reports older than this are deleted: a stale key is never asked for
#: again (the data fingerprint has moved on), and aggregated figures need not
#: stay in the database longer than useful.
CACHE_MAX_AGE = dt.timedelta(days=7)

#: A queued or running job not heard of for this long lost its runner.
STALE_AFTER = dt.timedelta(minutes=10)

ACTIVE_STATES = ("queued", "running")


class ReportCache:
    """One organisation's cached reports (``pdf``) and dashboards (``html``).

    Entries older than ``max_age`` are deleted whenever a new one is written,
    and one found expired is not served (and deleted).
    """

    def __init__(
        self, session: Session, organisation_id: int, max_age: dt.timedelta = CACHE_MAX_AGE
    ) -> None:
        self.session = session
        self.organisation_id = organisation_id
        self.max_age = max_age

    def _where(self, key: str, fmt: str) -> Any:
        return (
            (ReportArtefact.organisation_id == self.organisation_id)
            & (ReportArtefact.cache_key == key)
            & (ReportArtefact.format == fmt)
        )

    def get(self, key: str, fmt: str, *, now: dt.datetime | None = None) -> bytes | None:
        row = self.session.execute(
            select(ReportArtefact.content, ReportArtefact.expires_at).where(self._where(key, fmt))
        ).first()
        if row is None:
            return None
        if row.expires_at <= (now or utcnow()):
            self.session.execute(delete(ReportArtefact).where(self._where(key, fmt)))
            return None
        return bytes(row.content)

    def put(
        self,
        key: str,
        fmt: str,
        content: bytes,
        *,
        fingerprint: str = "",
        now: dt.datetime | None = None,
    ) -> None:
        """Store (or replace) one entry; two servers storing the same key at once both succeed."""
        now = now or utcnow()
        self.prune(now=now)
        values = {"content": content, "fingerprint": fingerprint, "expires_at": now + self.max_age}
        replaced = self.session.execute(
            update(ReportArtefact).where(self._where(key, fmt)).values(created_at=now, **values)
        )
        if not replaced.rowcount:
            try:
                with self.session.begin_nested():
                    self.session.add(
                        ReportArtefact(
                            organisation_id=self.organisation_id,
                            cache_key=key,
                            format=fmt,
                            created_at=now,
                            **values,
                        )
                    )
            except IntegrityError:  # another server stored the same report first: same bytes
                pass
        self.session.flush()

    def clear(self) -> int:
        """Delete every entry of the organisation; return how many were deleted."""
        result = self.session.execute(
            delete(ReportArtefact).where(ReportArtefact.organisation_id == self.organisation_id)
        )
        return int(result.rowcount or 0)

    def prune(self, *, now: dt.datetime | None = None) -> int:
        """Delete the organisation's expired entries; return how many were deleted."""
        result = self.session.execute(
            delete(ReportArtefact).where(
                ReportArtefact.organisation_id == self.organisation_id,
                ReportArtefact.expires_at <= (now or utcnow()),
            )
        )
        return int(result.rowcount or 0)


def purge(session: Session, organisation_id: int | None = None) -> int:
    """Delete cached reports and report jobs of one organisation (all when None).

    Returns the number of cached reports deleted. Jobs go too (they name the
    filters of reports built from the erased data); a job still running is
    thereby cancelled: its runner finds no row and stores nothing.
    """
    artefacts = delete(ReportArtefact)
    jobs = delete(ReportJob)
    if organisation_id is not None:
        artefacts = artefacts.where(ReportArtefact.organisation_id == organisation_id)
        jobs = jobs.where(ReportJob.organisation_id == organisation_id)
    removed = int(session.execute(artefacts).rowcount or 0)
    session.execute(jobs)
    return removed


def expire(
    session: Session, *, max_age: dt.timedelta = CACHE_MAX_AGE, now: dt.datetime | None = None
) -> int:
    """Delete expired cached reports of every organisation, and finished jobs as old.

    ``max_age`` is counted from creation, so a shorter age than the one the
    entries were written with also applies. Returns cached reports deleted.
    """
    now = now or utcnow()
    removed = session.execute(
        delete(ReportArtefact).where(
            (ReportArtefact.expires_at <= now) | (ReportArtefact.created_at <= now - max_age)
        )
    )
    session.execute(
        delete(ReportJob).where(
            ReportJob.state.not_in(ACTIVE_STATES), ReportJob.created_at <= now - max_age
        )
    )
    return int(removed.rowcount or 0)


# --- jobs -----------------------------------------------------------------------------


def latest_job(session: Session, organisation_id: int, key: str, fmt: str) -> ReportJob | None:
    """The newest build of this report in this organisation (never another tenant's)."""
    return session.scalars(
        select(ReportJob)
        .where(
            ReportJob.organisation_id == organisation_id,
            ReportJob.cache_key == key,
            ReportJob.format == fmt,
        )
        .order_by(ReportJob.id.desc())
        .limit(1)
    ).first()


def is_stale(job: ReportJob, *, now: dt.datetime | None = None) -> bool:
    """True when a queued or running job has not been heard of for :data:`STALE_AFTER`."""
    if job.state not in ACTIVE_STATES:
        return False
    last = job.heartbeat_at or job.created_at
    return last <= (now or utcnow()) - STALE_AFTER


def create_job(
    session: Session,
    *,
    organisation_id: int,
    study_id: int,
    requested_by_id: int | None,
    key: str,
    fmt: str,
    language: str,
    parameters: dict[str, Any],
    software_version: str,
) -> ReportJob:
    """A new queued build; a lost one for the same report is marked failed first."""
    now = utcnow()
    previous = latest_job(session, organisation_id, key, fmt)
    if previous is not None and is_stale(previous, now=now):
        mark_failed(session, previous.id, "lost: its worker stopped before finishing")
    job = ReportJob(
        organisation_id=organisation_id,
        study_id=study_id,
        requested_by_id=requested_by_id,
        cache_key=key,
        format=fmt,
        language=language,
        parameters=parameters,
        software_version=software_version,
        state="queued",
        progress=0,
        error="",
        attempts=0,
        created_at=now,
        heartbeat_at=now,
    )
    session.add(job)
    session.flush()
    return job


def claim(session: Session, job_id: int) -> ReportJob | None:
    """Take a queued job for this runner (running, attempt counted), or None if not queued."""
    now = utcnow()
    result = session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.state == "queued")
        .values(
            state="running",
            started_at=now,
            heartbeat_at=now,
            progress=5,
            attempts=ReportJob.attempts + 1,
        )
    )
    if not result.rowcount:
        return None
    return session.get(ReportJob, job_id, populate_existing=True)


def heartbeat(session: Session, job_id: int, progress: int) -> bool:
    """Record progress (0–100) of a running job; False when it was cancelled meanwhile."""
    result = session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.state == "running")
        .values(progress=max(0, min(100, progress)), heartbeat_at=utcnow())
    )
    return bool(result.rowcount)


def finish(session: Session, job_id: int) -> bool:
    """Mark a running job done; False when it was cancelled (purged) meanwhile."""
    now = utcnow()
    result = session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.state == "running")
        .values(state="done", progress=100, heartbeat_at=now, finished_at=now)
    )
    return bool(result.rowcount)


def mark_failed(session: Session, job_id: int, error: str) -> None:
    now = utcnow()
    session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.state.in_(ACTIVE_STATES))
        .values(state="failed", error=error[:2000], heartbeat_at=now, finished_at=now)
    )
