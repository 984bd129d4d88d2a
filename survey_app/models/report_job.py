"""Report builds and the reports they produced, shared by every app server.

Why in the database and not in a process or on a disk: behind a load
balancer the request that asks for a report, the one that polls its
progress and the one that downloads it may each reach a different gunicorn
process on a different machine, and any of them may restart meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models._base import Base, CreatedMixin, IdMixin, check_in

JOB_STATES = ("queued", "running", "done", "failed")
REPORT_FORMATS = ("pdf", "html")


class ReportJob(IdMixin, CreatedMixin, Base):
    """One request to build a report: who asked, for what, and how far it got.

    ``cache_key`` names the :class:`ReportArtefact` the job produces (parameters,
    data fingerprint and software version hashed together), so every server
    finds a running build for the same report instead of starting another.
    ``heartbeat_at`` is moved on by the worker at each step: a queued or
    running job whose heartbeat is old lost its worker and is started again.
    """

    __tablename__ = "report_job"
    __table_args__ = (
        CheckConstraint(check_in("state", JOB_STATES), name="state"),
        CheckConstraint(check_in("format", REPORT_FORMATS), name="format"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        Index("ix_report_job_lookup", "organisation_id", "cache_key", "format"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    cache_key: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8), default="pdf")
    language: Mapped[str] = mapped_column(String(5))
    #: ``ReportParameters.as_dict()``: period, sites, breakdown wave (the filters).
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    software_version: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class ReportArtefact(IdMixin, CreatedMixin, Base):
    """A built report (PDF) or dashboard (HTML), served until it expires or is purged.

    It belongs to its organisation so an erasure or a retention purge deletes
    it with the data it derives from; ``fingerprint`` is the data fingerprint
    its key was made from (counts and dates, never an answer).
    """

    __tablename__ = "report_artefact"
    __table_args__ = (
        UniqueConstraint("organisation_id", "cache_key", "format"),
        CheckConstraint(check_in("format", REPORT_FORMATS), name="format"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    cache_key: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(index=True)
