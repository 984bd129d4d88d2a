"""The organisation's retention periods for free text and links, and its k threshold.

Kept beside :mod:`survey_app.services.organisation_admin` (name, contacts,
privacy notice) so each can change alone; both audit what changed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey_app.models import Organisation, User
from survey_app.services import audit
from survey_app.services.errors import DomainError

MIN_CELL_FLOOR = 3  # never below: a group of 1 or 2 identifies people
MAX_DAYS = 3650


def update_retention(
    session: Session,
    organisation: Organisation,
    *,
    text_retention_days: int | None,
    token_retention_days: int,
    min_cell_size: int,
    actor: User | None = None,
) -> list[str]:
    """Apply the three settings (each checked); return the names of those that changed."""
    if text_retention_days is not None and not 1 <= text_retention_days <= MAX_DAYS:
        raise DomainError(
            _("Free-text answers: between 1 and %(n)s days, or empty to keep them.", n=MAX_DAYS)
        )
    if not 0 <= token_retention_days <= MAX_DAYS:
        raise DomainError(_("Survey links: between 0 and %(n)s days.", n=MAX_DAYS))
    if not MIN_CELL_FLOOR <= min_cell_size <= 100:
        raise DomainError(
            _("The smallest group shown must be between %(low)s and 100.", low=MIN_CELL_FLOOR)
        )
    wanted = {
        "text_retention_days": text_retention_days,
        "token_retention_days": token_retention_days,
        "min_cell_size": min_cell_size,
    }
    changed = [name for name, value in wanted.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, wanted[name])
    if changed:
        session.flush()
        audit.record(
            session,
            "organisation.settings",
            actor=actor,
            organisation_id=organisation.id,
            object_type="organisation",
            object_id=organisation.id,
            details={"changed": changed},
        )
    return changed
