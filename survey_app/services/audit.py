"""Writing the append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey_app.models import AuditEvent, User


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    organisation_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``details`` must hold no personal content."""
    event = AuditEvent(
        actor_user_id=actor.id if actor else None,
        actor_label=actor_label or (actor.email if actor else ""),
        organisation_id=organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event
