"""Shared column helpers for the models.

Times are stored as naive UTC ``DateTime`` on every backend: SQLite has no
time zone type, and one convention everywhere avoids comparing aware with
naive values.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import Base


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


#: ``__table_args__`` of every table whose integer ids must never be reused: an
#: erased beneficiary's id given to a new one would put the erased person's audit
#: events beside the new person. PostgreSQL identities never reuse values;
#: SQLite needs AUTOINCREMENT (migration 0002 rebuilt the tables with it).
NEVER_REUSE_IDS: dict[str, bool] = {"sqlite_autoincrement": True}


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def check_in(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that a text column holds one of ``values``.

    Plain text columns with a named CHECK migrate identically on SQLite and
    PostgreSQL, unlike native enum types.
    """
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


__all__ = ["NEVER_REUSE_IDS", "Base", "CreatedMixin", "IdMixin", "check_in", "utcnow"]
