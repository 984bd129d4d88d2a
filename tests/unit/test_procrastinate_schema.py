"""Migration 0012 applies a copy of procrastinate's schema: it must be the pinned version's.

When ``procrastinate`` is upgraded in requirements.txt this fails until a
new migration applies procrastinate's own migration scripts between the two
versions (docs/DEPLOYMENT.md, "Report workers").
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

COPY = Path(__file__).resolve().parents[2] / "migrations" / "procrastinate" / "schema-3.10.0.sql"


def test_the_pinned_procrastinate_is_the_one_migration_0012_copied():
    assert version("procrastinate") == "3.10.0"


def test_the_copied_schema_is_procrastinates_own():
    from procrastinate.schema import SchemaManager

    assert COPY.read_text(encoding="utf-8") == SchemaManager.get_schema()
