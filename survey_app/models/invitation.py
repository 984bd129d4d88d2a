"""Single-use survey links for one beneficiary and one wave."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models._base import NEVER_REUSE_IDS, Base, CreatedMixin, IdMixin, check_in

if TYPE_CHECKING:
    from survey_app.models.beneficiary import Beneficiary
    from survey_app.models.study import Wave

CHANNELS = ("link", "qr", "card", "email", "sms", "assisted")


class Invitation(IdMixin, CreatedMixin, Base):
    """One beneficiary × one wave.

    Only hashes of the link token and of the short printed code are stored,
    so a database leak does not hand out working survey links. The unique
    (beneficiary, wave) pair is what makes ``invitations send-due`` safe to
    run twice at once: the second insert fails instead of duplicating.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "wave_id"),
        CheckConstraint(check_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint("reminders_sent >= 0", name="reminders_not_negative"),
        Index("ix_invitation_due", "wave_id", "completed_at", "expires_at"),
        NEVER_REUSE_IDS,
    )

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    short_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    channel: Mapped[str] = mapped_column(String(16), default="link")
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    expired_at: Mapped[datetime | None] = mapped_column(default=None)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminder_at: Mapped[datetime | None] = mapped_column(default=None)

    beneficiary: Mapped[Beneficiary] = relationship()
    wave: Mapped[Wave] = relationship()
