"""On SQLite, an analysis read must not stop respondents' answers from being saved.

Every SQLite transaction of the app starts with BEGIN IMMEDIATE (the write lock), so
that concurrent writers queue instead of failing. A read-only transaction
(``begin_read_only``: the indicators and report commands, report builds) starts with
a deferred BEGIN instead: in WAL mode a writer can commit while it reads.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import survey_app.extensions  # noqa: F401 - registers the SQLite connect/begin listeners
from survey_app.extensions import begin_read_only


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE answer (id INTEGER PRIMARY KEY, value TEXT)"))
        connection.execute(text("INSERT INTO answer (value) VALUES ('4')"))
    yield engine
    engine.dispose()


def _write_from_another_connection(engine) -> None:
    other = sqlite3.connect(engine.url.database, timeout=0.5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO answer (value) VALUES ('5')")
        other.execute("COMMIT")
    finally:
        other.close()


def test_a_read_only_transaction_lets_another_connection_write(engine):
    with Session(engine) as session:
        begin_read_only(session)
        assert session.execute(text("SELECT count(*) FROM answer")).scalar() == 1
        _write_from_another_connection(engine)  # does not wait for the read to end
        # The read keeps its snapshot: the figures of one analysis are consistent.
        assert session.execute(text("SELECT count(*) FROM answer")).scalar() == 1
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM answer")).scalar() == 2


def test_an_ordinary_transaction_still_takes_the_write_lock(engine):
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM answer"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            _write_from_another_connection(engine)
