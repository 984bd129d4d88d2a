"""The migrations are the schema: they match the models and can go down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from survey_app.extensions import db
from tests.conftest import create_postgres_database, drop_postgres_database, make_test_app


@pytest.fixture
def empty_app(database_backend: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a brand-new empty database (not the shared migrated one)."""
    if database_backend == "sqlite":
        app = make_test_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield app
        with app.app_context():
            db.engine.dispose()
    else:
        url = create_postgres_database("ecoute_migration")
        app = make_test_app(url)
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()
            drop_postgres_database(url)


def pending_differences(app: Flask) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def table_names(app: Flask) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrated_schema_matches_models(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
    assert pending_differences(empty_app) == []
    assert table_names(empty_app) == set(db.metadata.tables)


def test_upgrade_downgrade_upgrade(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
    assert table_names(empty_app) == set()
    with empty_app.app_context():
        upgrade()
    assert pending_differences(empty_app) == []


def test_upgrade_keeps_rows_and_never_reused_ids(empty_app: Flask) -> None:
    """An installation with data upgrades from the first schema without losing a row.

    On SQLite, later migrations rebuild tables; with foreign keys on, dropping the
    old copy of ``organisation`` would cascade-delete everything below it, and a
    rebuild without ``sqlite_autoincrement`` would let ids be reused again.
    """
    with empty_app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organisation (id, slug, name, default_language, min_cell_size, "
                "contact_retention_days, require_totp_for_admins, email_invitations_enabled, "
                "privacy_controller_name, privacy_contact, reminder_count, "
                "reminder_spacing_days, created_at) "
                "VALUES (1, 'kept', 'Kept', 'fr', 5, 365, false, false, 'K', 'k@example.org', "
                "1, 7, CURRENT_TIMESTAMP)"
            )
            connection.exec_driver_sql(
                "INSERT INTO site (id, organisation_id, code, name, address, active, created_at) "
                "VALUES (1, 1, 'S1', 'Site', '', true, CURRENT_TIMESTAMP)"
            )
        upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM organisation").scalar() == 1
            assert connection.exec_driver_sql("SELECT count(*) FROM site").scalar() == 1
            if db.engine.dialect.name == "sqlite":
                for table in ("organisation", "invitation", "beneficiary", "study"):
                    sql = connection.exec_driver_sql(
                        "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
                    ).scalar()
                    assert "AUTOINCREMENT" in sql, table
