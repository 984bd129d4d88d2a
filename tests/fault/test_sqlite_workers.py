"""SQLite with several gunicorn workers: read-then-write requests queue, never fail.

With SQLite's default deferred ``BEGIN``, a transaction that reads and then
writes fails at once with "database is locked" if another connection
committed in between (WAL cannot upgrade a stale snapshot; the busy timeout
does not apply). ``survey_app.extensions`` starts every transaction with
``BEGIN IMMEDIATE``, so the second connection waits for the first instead.
This reproduces the interleaving the load test hit with five respondents.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

import survey_app.extensions  # noqa: F401 - installs the SQLite connection settings


def test_two_workers_reading_then_writing_both_succeed(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'workers.sqlite3'}")
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)"))
        setup.execute(text("INSERT INTO counter VALUES (1, 0)"))
    errors: list[BaseException] = []

    def other_worker() -> None:
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE counter SET value = value + 10 WHERE id = 1"))
        except BaseException as error:
            errors.append(error)

    with engine.connect() as first:
        transaction = first.begin()
        before = first.execute(text("SELECT value FROM counter WHERE id = 1")).scalar_one()
        worker = threading.Thread(target=other_worker)
        worker.start()
        time.sleep(0.5)  # with a deferred BEGIN the other worker commits here
        first.execute(text("UPDATE counter SET value = :v WHERE id = 1"), {"v": before + 1})
        transaction.commit()
    worker.join(timeout=30)

    assert errors == []
    with engine.connect() as check:
        assert check.execute(text("SELECT value FROM counter")).scalar_one() == 11
    engine.dispose()
