"""Invitation and reminder texts an organisation wrote for itself (e-mail and SMS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models._base import Base, IdMixin, check_in

MESSAGE_CHANNELS = ("email", "sms")
MESSAGE_KINDS = ("invitation", "reminder")


class MessageTemplate(IdMixin, Base):
    """One text per organisation × channel × kind × language; absent = the built-in text."""

    __tablename__ = "message_template"
    __table_args__ = (
        UniqueConstraint("organisation_id", "channel", "kind", "language"),
        CheckConstraint(check_in("channel", MESSAGE_CHANNELS), name="channel_known"),
        CheckConstraint(check_in("kind", MESSAGE_KINDS), name="kind_known"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
