"""Shared fixtures: apps migrated once per database, each test rolled back.

``database_backend`` picks the database: web tests use SQLite; tests under
``tests/db`` are parametrised over SQLite and PostgreSQL (see
``tests/db/conftest.py``). PostgreSQL runs at ``TEST_POSTGRES_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``); each test run creates
its own database there and drops it at the end. Without a server the
PostgreSQL tests skip with the reason, except when ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from hypothesis import settings
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as SQLAlchemySession

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Property tests: no per-example time limit (hypothesis' default is 200 ms), as
# for every other test: on a loaded machine or with parallel workers, a slow
# example is not a failure. Tests still set max_examples themselves.
settings.register_profile("ecoute", deadline=None)
settings.load_profile("ecoute")


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _psycopg_conninfo(url: str) -> str:
    parsed = make_url(url)
    parts = [f"dbname={parsed.database}", f"host={parsed.host or '127.0.0.1'}"]
    parts.append(f"port={parsed.port or 5432}")
    if parsed.username:
        parts.append(f"user={parsed.username}")
    if parsed.password:
        parts.append(f"password={parsed.password}")
    return " ".join(parts)


def create_postgres_database(prefix: str = "ecoute_test") -> str:
    """Create a uniquely named database and return its URL (skip or fail if unreachable)."""
    import psycopg

    admin_url = postgres_admin_url()
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(
            _psycopg_conninfo(admin_url), autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        message = f"PostgreSQL unreachable at {admin_url}: {error}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    return str(make_url(admin_url).set(database=name).render_as_string(hide_password=False))


def drop_postgres_database(url: str) -> None:
    import psycopg

    from survey_app.report_jobs import queue

    # Reports requested in the test were queued through a pool of connections to this
    # database: close them first, or they are dropped with it and garbage-collected
    # open later, in whichever test runs then (a ResourceWarning, an error here).
    queue.close_deferrers()
    name = make_url(url).database
    with psycopg.connect(
        _psycopg_conninfo(postgres_admin_url()), autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    from survey_app import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }
    config.update(overrides)
    return create_app(config)


def migrate_to_head(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")


@pytest.fixture(scope="session")
def _migrated_apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Lazily build one migrated app per backend for the whole run."""
    apps: dict[str, Any] = {}
    created_pg: list[str] = []

    def get(backend: str) -> Flask:
        if backend not in apps:
            if backend == "sqlite":
                path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
                url = f"sqlite:///{path}"
            else:
                url = create_postgres_database()
                created_pg.append(url)
            app = make_test_app(url)
            migrate_to_head(app)
            apps[backend] = app
        return apps[backend]

    yield {"get": get}
    for url in created_pg:
        from survey_app.extensions import db

        for app in apps.values():
            with app.app_context():
                db.engine.dispose()
        drop_postgres_database(url)


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, forced onto the test's connection.

    Flask-SQLAlchemy's ``get_bind`` returns the *engine* for mapped classes and
    ignores ``bind=``: without this override ORM writes would escape the
    test's outer transaction and really commit.
    """

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Any:
        return SQLAlchemySession.get_bind(self, mapper, clause=clause, bind=bind, **kwargs)


#: argon2id at its lowest cost: the same algorithm and code path, ~200x less CPU.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(scope="session")
def _cheap_hasher() -> Any:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(**CHEAP_ARGON2)
    return hasher, hasher.hash("dummy")


@pytest.fixture(autouse=True)
def _cheap_password_hashing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hash staff passwords cheaply in tests (never in production).

    argon2id's production cost (64 MiB, 3 passes: ~0.2 s of CPU per hash or
    check) is the point in production and minutes of CPU across the suite,
    where most tests create and sign in users. The cost parameters travel
    inside each hash, so behaviour does not depend on them; the production
    settings are checked by tests marked ``production_password_hashing``
    (``tests/unit/test_password_hashing.py``), which keep the real hasher.
    """
    if request.node.get_closest_marker("production_password_hashing"):
        return
    from survey_app.services import accounts

    hasher, dummy = request.getfixturevalue("_cheap_hasher")
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", dummy)


@pytest.fixture
def database_backend() -> str:
    return "sqlite"


@pytest.fixture
def app(_migrated_apps: dict[str, Any], database_backend: str) -> Iterator[Flask]:
    """The migrated app, with every database change of the test rolled back.

    The session is bound to one connection inside an outer transaction and
    joins it with SAVEPOINTs, so code under test can ``commit()`` for real.
    """
    from survey_app.extensions import db

    app = _migrated_apps["get"](database_backend)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _ConnectionBoundSession,
            }
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Any:
    from survey_app.extensions import db

    return db.session


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many database tests ran on each backend (CI checks PostgreSQL ran)."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            for backend in ("sqlite", "postgresql"):
                if f"[{backend}" in nodeid or f"-{backend}]" in nodeid or f"-{backend}-" in nodeid:
                    if outcome == "passed" and getattr(report, "when", "call") != "call":
                        continue
                    counts.setdefault(backend, {}).setdefault(outcome, 0)
                    counts[backend][outcome] += 1
    if counts:
        terminalreporter.section("tests per database")
        for backend in ("sqlite", "postgresql"):
            line = ", ".join(f"{n} {what}" for what, n in sorted(counts.get(backend, {}).items()))
            terminalreporter.write_line(f"{backend}: {line or 'none'}")
