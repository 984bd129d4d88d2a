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
