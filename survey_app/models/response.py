"""Responses to a questionnaire version and their answers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import Base, check_in, utcnow

MODES = ("self", "assisted", "read_aloud")
LANGUAGES = ("fr", "en")


def new_response_id() -> str:
    """Random identifiers: no shared sequence can link an open-link response to anything."""
    return uuid.uuid4().hex


class Response(Base):
    """One person's answers to one wave, pointing at the exact questionnaire version.

    In open-link mode ``beneficiary_id`` and ``invitation_id`` are empty and the
    times are kept to the day (``completed_on``) only.
    """

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(check_in("mode", MODES), name="mode_known"),
        CheckConstraint(check_in("language", LANGUAGES), name="language_known"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT")
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), unique=True, default=None
    )
    beneficiary_id: Mapped[int | None] = mapped_column(
        ForeignKey("beneficiary.id", ondelete="CASCADE"), index=True, default=None
    )
    mode: Mapped[str] = mapped_column(String(16), default="self")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_on: Mapped[date | None] = mapped_column(default=None, index=True)
    consented: Mapped[bool] = mapped_column(default=False)
    # Where to resume: the key of the next question to show (None = start or review).
    resume_at: Mapped[str | None] = mapped_column(String(64), default=None)
    # The page counter the client must echo: a stale page cannot overwrite a newer one.
    revision: Mapped[int] = mapped_column(default=0)
    # True for imported historical answers (``responses import``).
    imported: Mapped[bool] = mapped_column(default=False)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.question_key"
    )


class Answer(Base):
    """One answer, typed: the code as text, and its number for numeric types.

    Keyed by (response, question) rather than by a counter: a sequence shared
    by all answers would order anonymous open-link answers among identified
    ones and so reveal more than the day they were given.
    """

    __tablename__ = "answer"
    # SQLite keeps the rows in (response, question) order: a study's answers are read in place.
    __table_args__: ClassVar[dict] = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, default=None)
    number: Mapped[float | None] = mapped_column(Float, default=None)

    response: Mapped[Response] = relationship(back_populates="answers")


class SubmissionKey(Base):
    """Idempotency keys of survey page submissions.

    A double tap or a retried POST carries the same key; the primary key
    makes the second attempt a no-op instead of a second write.
    """

    __tablename__ = "submission_key"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    created_on: Mapped[date] = mapped_column(default=lambda: utcnow().date())
