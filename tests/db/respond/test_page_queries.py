"""A question page reads the database at most three times, and only through indexes.

The respondent's pages are the ones served most (every person, every page):
their queries are counted here with SQLAlchemy's cursor events, on SQLite
and PostgreSQL, and each read is explained to check that it finds its rows by
an index rather than by reading a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from survey_app.extensions import db
from tests.respond_factories import make_invitation, make_survey_study
from tests.web.respond.helpers import guards, open_survey

#: Transaction control, not queries.
_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@contextmanager
def recorded_statements() -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (and its parameters) sent while the block runs."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _reads(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]


def full_table_scans(session: Any, statement: str, parameters: Any) -> list[str]:
    """The plan lines of ``statement`` that read a whole table (empty: indexes only).

    On PostgreSQL sequential scans are discouraged for the explanation, so
    that the planner's preference for a scan of a tiny test table does not
    hide whether an index exists.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        details = [str(row[-1]) for row in rows]
        return [d for d in details if d.startswith("SCAN ") and "CONSTANT ROW" not in d]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    return [str(row[0]) for row in rows if "Seq Scan" in str(row[0])]


@pytest.fixture
def on_first_question(client, session):
    setup = make_survey_study(session)
    link = make_invitation(session, setup)
    session.commit()
    started = open_survey(client, link.token)
    assert started.location == "/s/q/heard"
    client.get("/s/q/heard")  # this process has now parsed the version once
    return client


def test_a_question_page_reads_at_most_three_times_through_indexes(on_first_question, session):
    with recorded_statements() as statements:
        page = on_first_question.get("/s/q/heard")
    assert page.status_code == 200
    assert 'type="radio" id="answer-0" name="answer"' in page.get_data(as_text=True)
    assert len(statements) <= 3, [s for s, _ in statements]
    assert not any(
        s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s, _ in statements
    )
    for statement, parameters in _reads(statements):
        assert full_table_scans(session, statement, parameters) == [], statement


def test_saving_an_answer_reads_at_most_three_times_through_indexes(on_first_question, session):
    form = guards(on_first_question.get("/s/q/heard").get_data(as_text=True))
    with recorded_statements() as statements:
        saved = on_first_question.post("/s/q/heard", data={**form, "answer": "4"})
    assert saved.status_code == 303
    assert saved.location == "/s/q/goal"
    reads = _reads(statements)
    assert len(reads) <= 3, [s for s, _ in reads]
    # The writes: the idempotency key, the revision, the answer, the resume point.
    assert len(statements) - len(reads) <= 4, [s for s, _ in statements]
    for statement, parameters in reads:
        assert full_table_scans(session, statement, parameters) == [], statement
