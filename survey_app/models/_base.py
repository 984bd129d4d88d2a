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


__all__ = ["Base", "CreatedMixin", "IdMixin", "check_in", "utcnow"]
