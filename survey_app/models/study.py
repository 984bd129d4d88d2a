"""Continuous impact studies, their waves and their anonymous open links."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin, check_in

if TYPE_CHECKING:
    from survey_app.models.organisation import Site
    from survey_app.models.questionnaire import QuestionnaireVersion

STUDY_STATUSES = ("active", "paused", "closed")
WAVE_KINDS = ("baseline", "follow_up", "exit")


class Study(IdMixin, CreatedMixin, Base):
    """A continuous study of one organisation, covering chosen sites."""

    __tablename__ = "study"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slug"),
        CheckConstraint(check_in("status", STUDY_STATUSES), name="status_known"),
        CheckConstraint("invitation_validity_days >= 1", name="validity_positive"),
        NEVER_REUSE_IDS,
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    invitation_validity_days: Mapped[int] = mapped_column(default=30)
    # Who takes part: NULL = every beneficiary of the covered sites (as before);
    # a time = people registered from then on, plus those enrolled one by one
    # (``study_enrolment``). Set when a study starts with "a selection" or "none yet".
    enrolled_from: Mapped[datetime | None] = mapped_column(default=None)

    waves: Mapped[list[Wave]] = relationship(
        back_populates="study", order_by="Wave.position", cascade="all, delete-orphan"
    )
    sites: Mapped[list[Site]] = relationship(secondary="study_site", order_by="Site.code")


class StudySite(Base):
    __tablename__ = "study_site"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), primary_key=True
    )


class StudyEnrolment(Base):
    """A beneficiary chosen one by one for a study that does not take everyone."""

    __tablename__ = "study_enrolment"

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("beneficiary.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class Wave(IdMixin, Base):
    """A measurement occasion: baseline, follow-up N days after baseline, or exit."""

    __tablename__ = "wave"
    __table_args__ = (
        UniqueConstraint("study_id", "key"),
        UniqueConstraint("study_id", "position"),
        CheckConstraint(check_in("kind", WAVE_KINDS), name="kind_known"),
        CheckConstraint("delay_days >= 0", name="delay_not_negative"),
        NEVER_REUSE_IDS,
    )

    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    delay_days: Mapped[int] = mapped_column(default=0)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), index=True
    )

    study: Mapped[Study] = relationship(back_populates="waves")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()


class OpenLink(IdMixin, CreatedMixin, Base):
    """An anonymous link for one site (poster, reception desk).

    Responses through it are not linked to a person: they carry no
    beneficiary and no reference back to this link's creation order.
    """

    __tablename__ = "open_link"
    __table_args__ = NEVER_REUSE_IDS

    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token sealed with a key derived from SECRET_KEY: a poster or QR code can be
    # downloaded again without replacing the link already on the wall. None for links
    # created before it was kept.
    token_sealed: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
