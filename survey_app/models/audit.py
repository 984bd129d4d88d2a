"""Append-only audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey_app.models._base import NEVER_REUSE_IDS, Base, utcnow


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to modify or delete an audit event."""


class AuditEvent(Base):
    """Who did what, in which organisation, to which object, and when.

    ``details`` never holds personal content (no answers, no contact details,
    no tokens): an erasure is recorded as "beneficiary 42 erased", not with
    what was erased.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_org_time", "organisation_id", "occurred_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("audit events cannot be modified or deleted")
