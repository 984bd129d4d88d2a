"""Questionnaires and their versions.

The definition itself (questions, choices, conditions, indicators) is a JSON
document validated by :mod:`questionnaires`; the database stores it whole so
that a published version is one immutable value answers can point at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin, check_in

VERSION_STATUSES = ("draft", "published", "archived")


class PublishedVersionImmutable(Exception):
    """Raised when code tries to change the content of a published version."""


class Questionnaire(IdMixin, CreatedMixin, Base):
    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("organisation_id", "key"), NEVER_REUSE_IDS)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )


class QuestionnaireVersion(IdMixin, CreatedMixin, Base):
    """One version of a questionnaire: draft, then published (immutable), then archived."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "number"),
        CheckConstraint(check_in("status", VERSION_STATUSES), name="status_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        NEVER_REUSE_IDS,
    )

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")

    @property
    def label(self) -> str:
        """The reference used in the tidy table and reports: ``key@number``."""
        return f"{self.questionnaire.key}@{self.number}"


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published(session: Session, _context: Any, _instances: Any) -> None:
    """Keep published versions immutable whatever code path tries to edit them.

    Only the status may move forward (published → archived); the content a
    response points at never changes.
    """
    for obj in session.dirty:
        if not isinstance(obj, QuestionnaireVersion):
            continue
        state = obj.__dict__.get("_sa_instance_state")
        if state is None:
            continue
        history_status = state.attrs.status.history
        was_status = (history_status.deleted or [obj.status])[0]
        if was_status == "draft":
            continue
        for attribute in ("definition", "fingerprint", "number", "questionnaire_id"):
            if state.attrs[attribute].history.has_changes():
                raise PublishedVersionImmutable(
                    f"questionnaire version {obj.id} is {was_status} and cannot be modified"
                )
        if history_status.has_changes() and obj.status == "draft":
            raise PublishedVersionImmutable(
                f"questionnaire version {obj.id} cannot return to draft"
            )
    for obj in session.deleted:
        if isinstance(obj, QuestionnaireVersion) and obj.status != "draft":
            raise PublishedVersionImmutable(f"questionnaire version {obj.id} cannot be deleted")
