"""Pseudonymous beneficiaries and their (separately purgeable) contact details."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin

if TYPE_CHECKING:
    from survey_app.models.organisation import Site


class Beneficiary(IdMixin, CreatedMixin, Base):
    """A person supported, known only by a pseudonymous code within the organisation."""

    __tablename__ = "beneficiary"
    __table_args__ = (UniqueConstraint("organisation_id", "code"), NEVER_REUSE_IDS)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    support_started_on: Mapped[date]
    support_ended_on: Mapped[date | None] = mapped_column(default=None)
    # Language of invitations and reminders (None: the organisation's default).
    language: Mapped[str | None] = mapped_column(String(2), default=None)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    site: Mapped[Site] = relationship()
    contact: Mapped[BeneficiaryContact | None] = relationship(
        back_populates="beneficiary", cascade="all, delete-orphan", uselist=False
    )


class BeneficiaryContact(Base):
    """Optional e-mail / phone, kept apart so it can be purged without touching answers."""

    __tablename__ = "beneficiary_contact"

    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("beneficiary.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime]

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="contact")
