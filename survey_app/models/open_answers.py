"""Themes of open answers and the decisions people take about them.

The machine suggests themes (``origin = "model"``); a quality manager
renames, merges, splits, rejects, validates and assigns them. Only themes
with ``status = "validated"`` reach reports. Who decided what and when is
kept here (``decided_by_id``/``decided_at``, ``assigned_by_id``) and in the
audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import Base, CreatedMixin, IdMixin, check_in, utcnow

THEME_STATUSES = ("suggested", "validated", "rejected")
THEME_ORIGINS = ("model", "person")


class OpenAnswerTheme(IdMixin, CreatedMixin, Base):
    """A theme of one study's open answers."""

    __tablename__ = "open_answer_theme"
    __table_args__ = (
        CheckConstraint(check_in("status", THEME_STATUSES), name="status_known"),
        CheckConstraint(check_in("origin", THEME_ORIGINS), name="origin_known"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    # The model's most telling words, space-separated (empty for a theme a person created).
    top_words: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="suggested")
    origin: Mapped[str] = mapped_column(String(8), default="model")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    assignments: Mapped[list[OpenAnswerAssignment]] = relationship(
        back_populates="theme", cascade="all, delete-orphan"
    )


class OpenAnswerAssignment(Base):
    """One answer (response + question) placed in one theme."""

    __tablename__ = "open_answer_assignment"

    theme_id: Mapped[int] = mapped_column(
        ForeignKey("open_answer_theme.id", ondelete="CASCADE"), primary_key=True
    )
    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None: placed by the model; otherwise the person who placed it.
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme: Mapped[OpenAnswerTheme] = relationship(back_populates="assignments")


class OpenAnswerQuoteExclusion(Base):
    """An answer the quality manager does not want quoted in reports."""

    __tablename__ = "open_answer_quote_exclusion"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    excluded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    excluded_at: Mapped[datetime] = mapped_column(default=utcnow)
