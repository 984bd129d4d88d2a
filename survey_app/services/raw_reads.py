"""Large reads outside the ORM: driver tuples in chunks, binary ``COPY``, shared snapshots.

The analysis loader reads hundreds of thousands of rows; SQLAlchemy's
per-row processing would cost more than the database's own work, so these
helpers run compiled statements on the DBAPI connection itself. On
PostgreSQL, :func:`snapshot_readers` opens more connections that see exactly
what the caller's transaction sees, so that two large reads can run on the
server at the same time (the machine has more than one core; one query uses
one).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    import numpy as np

#: Rows handed over per round trip: bounds the memory of the Python rows.
FETCH_CHUNK = 100_000

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


@dataclass(frozen=True)
class Reader:
    """Where a large read runs: a DBAPI connection and the dialect its SQL is compiled for."""

    driver: Any
    dialect: Any

    @classmethod
    def of(cls, session: Session) -> Reader:
        """The session's own connection (its transaction)."""
        connection = session.connection()
        return cls(connection.connection.driver_connection, connection.dialect)

    @property
    def postgres(self) -> bool:
        return self.dialect.name == "postgresql"


def compiled(dialect: Any, query: Any) -> tuple[str, Any]:
    """The statement's SQL text and its parameters in the driver's own style."""
    statement = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = statement.construct_params()
    if dialect.name == "sqlite":  # sqlite3's own date adapter is deprecated: ISO text
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    arguments = tuple(params[name] for name in statement.positiontup or ()) or params
    return str(statement), arguments


def fetch_chunks(reader: Reader, query: Any) -> Iterator[list[tuple]]:
    """The query's rows as the driver's plain tuples, ``FETCH_CHUNK`` at a time.

    Only for text, integer and date columns (dates arrive as ISO text on
    SQLite). On PostgreSQL a server-side cursor keeps the memory bounded by
    the chunk.
    """
    sql, arguments = compiled(reader.dialect, query)
    driver = reader.driver
    cursor = driver.cursor(name=f"rows_{uuid.uuid4().hex}") if reader.postgres else driver.cursor()
    try:
        cursor.execute(sql, arguments)
        while rows := cursor.fetchmany(FETCH_CHUNK):
            yield rows
    finally:
        cursor.close()


def fetch_all(reader: Reader, query: Any) -> list[tuple]:
    return [row for rows in fetch_chunks(reader, query) for row in rows]


@contextmanager
def postgres_settings(reader: Reader, **settings: str) -> Iterator[None]:
    """Change settings for the reader's current transaction, then put the previous ones back."""
    with reader.driver.cursor() as cursor:
        previous = {}
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s)", (name,))
            previous[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, true)", (name, value))
    try:
        yield
    finally:
        with reader.driver.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute("SELECT set_config(%s, %s, true)", (name, value))


def copy_integer_pairs(reader: Reader, query: Any) -> tuple[np.ndarray, np.ndarray]:
    """Read a query of ``bytea`` rows of (int8, int4) pairs by binary ``COPY`` into numpy.

    In the binary format the stream starts with a 19-byte header; each row is
    a field count (int16), the field's length (int32) and its bytes; a field
    count of −1 ends it. Values are big-endian.
    """
    import numpy as np

    sql, arguments = compiled(reader.dialect, query)
    rows: list[bytes] = []
    with (
        reader.driver.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", arguments or None) as copy,
    ):
        rows.extend(bytes(data) for data in copy)
    stream = b"".join(rows)
    del rows
    fields: list[memoryview] = []
    view = memoryview(stream)
    position = 11 + 4 + 4 + int.from_bytes(view[15:19], "big")  # signature, flags, extension
    while int.from_bytes(view[position : position + 2], "big", signed=True) == 1:
        length = int.from_bytes(view[position + 2 : position + 6], "big", signed=True)
        if length > 0:
            fields.append(view[position + 6 : position + 6 + length])
        position += 6 + max(length, 0)
    pairs = np.frombuffer(b"".join(fields), dtype=[("key", ">i8"), ("code", ">i4")])
    return pairs["key"].astype(np.int64), pairs["code"].astype(np.int64)


def can_share_snapshot(session: Session) -> bool:
    """Whether other connections, on the session's snapshot, would see what it sees.

    PostgreSQL only. An exported snapshot shows what was committed, not the
    exporting transaction's own writes: so only while the transaction has
    written nothing (no transaction id assigned yet, which PostgreSQL tells),
    and not inside a savepoint, where ``pg_export_snapshot`` is refused.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.in_nested_transaction():
        return False
    return connection.execute(select(func.txid_current_if_assigned())).scalar() is None


@contextmanager
def snapshot_readers(session: Session, count: int) -> Iterator[list[Reader]]:
    """``count`` more connections that see exactly the data the session's transaction sees now.

    PostgreSQL's ``pg_export_snapshot``: each connection opens a ``REPEATABLE
    READ READ ONLY`` transaction on the exported snapshot, the way ``pg_dump
    --jobs`` reads one consistent database with several connections. Only
    for a session where :func:`can_share_snapshot` holds. The connections go
    back to the pool rolled back, with their default transaction settings.
    """
    import psycopg

    connection = session.connection()
    snapshot = connection.execute(select(func.pg_export_snapshot())).scalar_one()
    if not _SNAPSHOT_ID.fullmatch(snapshot):  # it is spliced into SQL below
        raise RuntimeError(f"unexpected snapshot id from PostgreSQL: {snapshot!r}")
    raws = []
    try:
        for _ in range(count):
            raw = connection.engine.raw_connection()
            raws.append(raw)
            driver = raw.driver_connection
            driver.rollback()
            driver.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            driver.read_only = True
            driver.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        yield [Reader(raw.driver_connection, connection.dialect) for raw in raws]
    finally:
        for raw in raws:
            driver = raw.driver_connection
            with contextlib.suppress(Exception):
                driver.rollback()
                driver.isolation_level = None
                driver.read_only = None
            raw.close()
