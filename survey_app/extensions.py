"""Flask extensions, created unbound and attached in :func:`survey_app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session

if TYPE_CHECKING:
    from flask_migrate import Migrate

# Named constraints make Alembic migrations reproducible on every backend
# (SQLite cannot alter an unnamed constraint).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass
class MigrationSettings:
    """What ``flask_migrate`` keeps in ``app.extensions["migrate"]``, without importing Alembic.

    ``flask_migrate`` imports Alembic (and Mako) at module import: about half
    of every ``flask`` command's start-up when the extension was created at
    import. ``migrations/env.py`` reads ``db`` and ``configure_args``;
    ``flask_migrate``'s functions (``flask_migrate.upgrade``, used by tests and
    benches) read ``migrate``, built on first use.
    """

    db: SQLAlchemy
    directory: str
    configure_args: dict[str, Any]
    _migrate: Migrate | None = field(default=None, repr=False)

    @property
    def migrate(self) -> Migrate:
        if self._migrate is None:
            from flask_migrate import Migrate

            self._migrate = Migrate(db=self.db, directory=self.directory, **self.configure_args)
        return self._migrate

    @property
    def metadata(self) -> MetaData:
        return self.db.metadata


class Migrations:
    """Alembic through ``flask_migrate``, imported only when a ``db`` command runs."""

    def __init__(self, **configure_args: Any) -> None:
        self.configure_args = configure_args

    def init_app(self, app: Flask, db: SQLAlchemy, directory: str | Path) -> None:
        app.extensions["migrate"] = MigrationSettings(
            db=db, directory=str(directory), configure_args=dict(self.configure_args)
        )
        from survey_app.cli.migrations import db_group

        app.cli.add_command(db_group, name="db")


db = SQLAlchemy(model_class=Base)
migrate = Migrations(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Make SQLite behave like a server database for our purposes.

    WAL lets readers proceed while one writer commits, the busy timeout makes
    concurrent gunicorn workers wait instead of failing, foreign keys are off
    by default in SQLite, and taking over BEGIN from pysqlite gives real
    transactions and SAVEPOINTs (the tests roll every test back).
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    """Take SQLite's write lock at BEGIN (IMMEDIATE), waiting up to the busy timeout.

    With a plain (deferred) BEGIN, a transaction that read first and writes
    later fails at once with "database is locked" when another gunicorn
    worker committed in between (WAL cannot upgrade a stale read snapshot,
    and the busy timeout does not apply). IMMEDIATE makes concurrent requests
    queue for the lock instead: measured by bench/bench_load.py, see
    docs/DEPLOYMENT.md.
    """
    if connection.dialect.name != "sqlite":
        return
    # An AUTOCOMMIT block (migration 0002 turns foreign keys off there) has no transaction.
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    if options.get(READ_ONLY):
        # A read that may take seconds (a study's answers for the analysis) must not
        # hold the write lock: in WAL a deferred read sees one snapshot and lets
        # respondents' answers commit meanwhile. It must never write.
        connection.exec_driver_sql("BEGIN")
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE")


READ_ONLY = "ecoute_read_only"


def begin_read_only(session: Any) -> None:
    """Start ``session``'s next transaction as a read that takes no SQLite write lock.

    Call it before the first query of a transaction that only reads (analysis
    and report data); on PostgreSQL it changes nothing.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        return  # already reading or writing: its BEGIN has been chosen
    session.connection(execution_options={READ_ONLY: True})
