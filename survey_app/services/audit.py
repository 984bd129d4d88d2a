"""Writing and reading the append-only audit trail.

Nothing here updates or deletes an event; the model refuses it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
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


@dataclass(frozen=True)
class AuditFilter:
    """What an administrator narrows the audit log to; empty fields do not filter."""

    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


def search(
    session: Session,
    organisation_id: int,
    criteria: AuditFilter,
    *,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEvent], int]:
    """One page of the organisation's events, newest first, and the total count."""
    conditions = [AuditEvent.organisation_id == organisation_id]
    if criteria.action:
        conditions.append(AuditEvent.action.startswith(criteria.action, autoescape=True))
    if criteria.actor:
        conditions.append(
            func.lower(AuditEvent.actor_label).contains(criteria.actor.lower(), autoescape=True)
        )
    if criteria.since:
        conditions.append(AuditEvent.occurred_at >= datetime.combine(criteria.since, time.min))
    if criteria.until:
        end = datetime.combine(criteria.until, time.min) + timedelta(days=1)
        conditions.append(AuditEvent.occurred_at < end)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    page = max(1, page)
    events = session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(events), int(total)


def actions_in(session: Session, organisation_id: int) -> list[str]:
    """The distinct actions recorded for the organisation, for the filter's menu."""
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.organisation_id == organisation_id)
            .distinct()
            .order_by(AuditEvent.action)
        ).all()
    )
