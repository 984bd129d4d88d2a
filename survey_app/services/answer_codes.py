"""The answers of a study as integer codes: coded by the database, read beside the responses.

A large study has millions of answers, so they are never one Python object
each: the database turns every answer into one small integer
(:class:`AnswerCoding`), SQLite hands them back as ``group_concat`` text that
numpy parses, PostgreSQL as binary ``COPY`` of fixed-width pairs; and
:class:`AnswerPairsReading` reads them in a thread while the caller shapes
the responses (:mod:`survey_app.services.analysis_input`).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from survey_app.models import Answer, Response
from survey_app.services.raw_reads import (
    Reader,
    can_share_snapshot,
    copy_integer_pairs,
    fetch_all,
    fetch_chunks,
    postgres_settings,
    snapshot_readers,
)

if TYPE_CHECKING:
    import numpy as np

    from analysis.inputs import QuestionSpec

log = logging.getLogger(__name__)

__all__ = [
    "POSTGRES_RESPONSE_CHUNK",
    "RESPONSE_CHUNK",
    "AnswerCoding",
    "AnswerPairsReading",
    "answer_codes",
    "response_key",
]

#: Responses whose answers one SQLite aggregate returns as one string (~10 bytes an answer).
RESPONSE_CHUNK = 50_000
#: Responses whose answers one PostgreSQL aggregate returns as one bytea (12 bytes an answer);
#: each range scans the answers once more, so ranges are larger than on SQLite.
POSTGRES_RESPONSE_CHUNK = 400_000
#: Memory for the hash of the responses in scope (~80 bytes each) in the answers' join.
POSTGRES_WORK_MEM = "64MB"


#: A response's rowid on SQLite: how its answers name it in the packed integers.
_SQLITE_ROWID = literal_column("response.rowid")


def response_key(session: Session) -> Any:
    """How answers name their response, as an integer the drivers return cheaply.

    SQLite: the response's rowid. PostgreSQL: a 64-bit hash of its id
    (``hashtextextended``, computed in C for each answer: a regular expression
    and a cast of the id's hex digits cost 3 s for 2.4 M answers); distinct in
    practice, and checked by :func:`load_study_tables`, which falls back to the
    text id otherwise.
    """
    if session.connection().dialect.name == "sqlite":
        return _SQLITE_ROWID
    return func.hashtextextended(Response.id, 0)


@dataclass(frozen=True)
class AnswerCoding:
    """How the database turns each answer into one small integer.

    ``CASE`` expressions code the question key (its index in ``keys``; other
    questions, free text, get ``len(keys)``) and the value (0 missing,
    1..len(known) the known codes, ``n_values - 1`` any other text), packed
    as ``question * n_values + value``.
    """

    keys: list[str]
    known: list[str]
    code: Any

    @property
    def n_values(self) -> int:
        return len(self.known) + 2

    @classmethod
    def of(cls, closed: dict[str, QuestionSpec]) -> AnswerCoding:
        from analysis.inputs import PNA

        keys = list(closed)
        known = sorted({PNA}.union(*(spec.allowed_codes() or () for spec in closed.values())))
        n_values = len(known) + 2
        # Other questions (free text) are dropped after reading: on SQLite, filtering them
        # in SQL would seek each (response, question) pair instead of walking each
        # response's answers in place (twice the time).
        question_code = case(
            {key: index for index, key in enumerate(keys)},
            value=Answer.question_key,
            else_=len(keys),
        )
        value_code = case(
            (Answer.value.is_(None), 0),
            else_=case(
                {code: i + 1 for i, code in enumerate(known)},
                value=Answer.value,
                else_=n_values - 1,
            ),
        )
        return cls(keys, known, question_code * n_values + value_code)


class AnswerPairsReading:
    """The answers' (response key, code) pairs, read in a thread while the responses are shaped.

    * PostgreSQL, a transaction that has written nothing: the answers are read
      on a second connection from the start while the responses are read on a
      third, both on the session's snapshot (:func:`snapshot_readers`): the
      server runs the two queries on two cores (2.4 M answers: 1.1 s and 0.5 s
      of server time).
    * SQLite, a database file: once the response rows are fetched, the
      answers' aggregates run in a thread on the session's own connection (one
      transaction, so one snapshot) while this thread turns the rows into
      columns; SQLite releases the GIL while it aggregates.
    * Otherwise (an in-memory SQLite database, a PostgreSQL transaction with
      writes of its own, no PostgreSQL connection to spare): :meth:`pairs` is
      None and :func:`answer_codes` reads them itself, after the responses.
    """

    def __init__(self, session: Session, scope: list, coding: AnswerCoding) -> None:
        self._session, self._scope, self._coding = session, scope, coding
        self._stack = ExitStack()
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future | None = None
        self._sqlite_thread = False
        self.rows_reader = Reader.of(session)

    def __enter__(self) -> AnswerPairsReading:
        session, coding = self._session, self._coding
        try:
            readers = self._snapshot_readers() if can_share_snapshot(session) else None
            if readers is not None:
                self.rows_reader, pairs_reader = readers
                self._future = self._thread().submit(
                    _postgres_answers, pairs_reader, coding, self._scope
                )
            else:
                self._sqlite_thread = _sqlite_file(session)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _snapshot_readers(self) -> list[Reader] | None:
        """Two more connections on the session's snapshot; None when the server has none to spare.

        A server at ``max_connections`` (or a pool at its limit) must not fail
        the analysis: it is read on the session's connection, as before.
        """
        import psycopg

        try:
            return self._stack.enter_context(snapshot_readers(self._session, 2))
        except (SQLAlchemyError, psycopg.Error) as error:
            log.warning("answers read on one connection, no second one available: %s", error)
            return None

    def _thread(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # Entered last, left first: the thread ends before its connection goes back.
            self._pool = self._stack.enter_context(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers")
            )
        return self._pool

    def responses_fetched(self, keys: np.ndarray) -> None:
        """Start the SQLite read, now that the responses' rows and their keys are in hand."""
        if self._future is None and self._sqlite_thread:
            self._future = self._thread().submit(
                _sqlite_pairs, self.rows_reader, self._coding, self._scope, keys
            )

    def pairs(self) -> tuple[np.ndarray, np.ndarray] | None:
        return None if self._future is None else self._future.result()

    def __exit__(self, *exc_info: object) -> None:
        if self._future is not None:
            self._future.cancel()
        self._stack.close()


def _sqlite_file(session: Session) -> bool:
    """Whether the session's SQLite connection may be used by another thread (a file database).

    SQLAlchemy opens file databases with ``check_same_thread=False`` (the
    pool hands a connection to any thread); an in-memory database stays with
    its thread.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    database = connection.engine.url.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in database


def answer_codes(
    session: Session,
    scope: list,
    closed: dict[str, QuestionSpec],
    coding: AnswerCoding,
    response_keys: Any,
    pairs: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The answers in scope as integer codes, without one Python object per answer.

    Returns the row of each answer's response (in ``response_keys``), its
    question (index in ``closed``), its value (index in the returned list of
    distinct values, −1 when missing) and that list.

    The database itself codes each answer (:class:`AnswerCoding`), so the
    driver hands back integers only: one per answer on SQLite (response
    rowid, question and value packed), a binary ``COPY`` of fixed-width rows
    on PostgreSQL read straight into numpy (``pairs``, when already read
    meanwhile). The rare value outside the known codes (integer questions,
    choices without a list) is read as text by a second query. Response keys
    that are not integers (see :func:`response_key`) take the generic
    row-by-row path.
    """
    import numpy as np
    import pandas as pd

    response_index = pd.Index(response_keys)
    if response_index.dtype.kind != "i" or not response_index.is_unique:
        return _answer_codes_by_rows(session, scope, closed, response_index)
    keys, n_values = coding.keys, coding.n_values
    other = n_values - 1
    if pairs is not None:
        key_of_answer, code_array = pairs
    elif session.connection().dialect.name == "sqlite":
        key_of_answer, code_array = _sqlite_pairs(Reader.of(session), coding, scope, response_index)
    else:
        key_of_answer, code_array = _postgres_answers(Reader.of(session), coding, scope)
    question, value = np.divmod(code_array, n_values)
    response = response_index.get_indexer(key_of_answer)
    # A response completed between the two queries is left for the next analysis.
    kept = (response >= 0) & (question < len(keys))
    response, question, value = response[kept], question[kept], value[kept]
    values: list[str] = list(coding.known)
    value = value - 1  # −1 = missing; known codes index ``values``
    if (value == other - 1).any():
        value = _read_other_values(
            session, scope, keys, response_index, response, question, value, values
        )
        kept = value >= -1
        response, question, value = response[kept], question[kept], value[kept]
    return response.astype(np.int64), question.astype(np.int64), value.astype(np.int32), values


def _sqlite_pairs(
    reader: Reader, coding: AnswerCoding, scope: list, keys: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The (response rowid, code) of each answer in scope, from SQLite's ``group_concat``.

    Each answer is packed as ``rowid * width + code``. One aggregate per
    range of response rowids (``keys``, the rowids in scope) hands back a
    single string of space-separated integers, parsed by numpy in C: handing
    2.4 M integers to Python one by one (``fetchmany`` + ``np.fromiter``) cost
    more than SQLite's own work, and SQLite releases the GIL while it
    aggregates. The range (``RESPONSE_CHUNK`` responses in scope) bounds the
    string's size; SQLite still walks ``ix_response_study_id`` then each
    response's answers in place.
    """
    import numpy as np

    width = (len(coding.keys) + 1) * coding.n_values
    packed = _SQLITE_ROWID * width + coding.code
    parts = []
    for first, last in _key_ranges(keys, RESPONSE_CHUNK):
        query = (
            select(func.group_concat(packed, " "))
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
            .where(*scope, _SQLITE_ROWID.between(first, last))
        )
        text = fetch_all(reader, query)[0][0]
        if text:
            parts.append(np.fromstring(text, dtype=np.int64, sep=" "))
    values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return np.divmod(values, width)


def _key_ranges(response_index: Any, size: int) -> list[tuple[int, int]]:
    """Consecutive ``(first, last)`` ranges of the integer keys, ``size`` keys each at most."""
    import numpy as np

    ordered = np.sort(np.asarray(response_index, dtype=np.int64))
    return [
        (int(ordered[start]), int(ordered[min(start + size, len(ordered)) - 1]))
        for start in range(0, len(ordered), size)
    ]


def _postgres_answers(
    reader: Reader, coding: AnswerCoding, scope: list
) -> tuple[np.ndarray, np.ndarray]:
    """The (response key, code) of each answer in scope on PostgreSQL, as two numpy arrays.

    Each answer becomes 12 bytes (``int8send`` of its response key, then
    ``int4send(code)``), concatenated by the server into one ``bytea`` per
    range of ``POSTGRES_RESPONSE_CHUNK`` responses: a few messages instead of
    one per answer (2 s of Python for 2.4 M answers). Measured on 2.4 M
    answers and avoided here: grouping by a hash of the id (a sort of all the
    answers, spilled to disk: 7 s), JIT compilation of the long ``CASE``
    expressions (2 s, for a query run once) and a hash join spilled in batches
    (0.5 s with the default 4 MB ``work_mem``); both settings are restored after.
    """
    import numpy as np
    from sqlalchemy import String, literal

    code = cast(coding.code, Integer)
    pair = func.int8send(_response_key_of_answer()).op("||")(func.int4send(code))
    query = (
        select(func.string_agg(pair, literal_column("''::bytea")))
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(*scope, Answer.question_key.in_(coding.keys))
    )
    key_parts, code_parts = [], []
    with postgres_settings(reader, jit="off", work_mem=POSTGRES_WORK_MEM):
        for id_range in _id_ranges(reader, scope, POSTGRES_RESPONSE_CHUNK):
            in_range = query
            if id_range is not None:
                first, last = id_range
                in_range = query.where(
                    Response.id.collate("C").between(literal(first, String), literal(last, String))
                )
            chunk_keys, chunk_codes = copy_integer_pairs(reader, in_range)
            key_parts.append(chunk_keys)
            code_parts.append(chunk_codes)
    return np.concatenate(key_parts), np.concatenate(code_parts)


def _response_key_of_answer() -> Any:
    """:func:`response_key` on PostgreSQL, from the answer's own column (same value)."""
    return func.hashtextextended(Answer.response_id, 0)


def _id_ranges(reader: Reader, scope: list, size: int) -> list[tuple[str, str] | None]:
    """Consecutive ranges of the response ids in scope (code point order), ``size`` ids each.

    ``[None]`` (no range, one query) when all fit in one; the boundaries are
    computed by the server, so the answers can be read before the responses.
    """
    count = fetch_all(reader, select(func.count()).select_from(Response).where(*scope))[0][0]
    if count <= size:
        return [None]
    ordered = Response.id.collate("C")
    numbered = (
        select(
            ordered.label("id"),
            ((func.row_number().over(order_by=ordered) - 1) // size).label("part"),
        )
        .where(*scope)
        .subquery()
    )
    return [
        (first, last)
        for first, last in fetch_all(
            reader,
            select(func.min(numbered.c.id), func.max(numbered.c.id))
            .group_by(numbered.c.part)
            .order_by(numbered.c.part),
        )
    ]


def _read_other_values(
    session: Session,
    scope: list,
    keys: list[str],
    response_index: Any,
    response: np.ndarray,
    question: np.ndarray,
    value: np.ndarray,
    values: list[str],
) -> np.ndarray:
    """Fill in the values coded "other" (``len(values)`` on entry) from their text.

    Codes −2 are left where the answer vanished between the two queries.
    """
    import numpy as np
    import pandas as pd

    other = np.flatnonzero(value == len(values))
    known = list(values)
    rows = fetch_all(
        Reader.of(session),
        select(response_key(session), Answer.question_key, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(
            and_(*scope),
            Answer.question_key.in_(keys),
            Answer.value.is_not(None),
            Answer.value.not_in(known),
        ),
    )
    width = len(keys)
    found = {
        int(row) * width + keys.index(key): text
        for row, key, text in (
            (response_index.get_loc(k), q, t) for k, q, t in rows if k in response_index
        )
    }
    pairs = response[other].astype(np.int64) * width + question[other]
    texts = [found.get(int(pair)) for pair in pairs]
    codes, distinct = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
    result = value.copy()
    result[other] = np.where(codes >= 0, codes + len(values), -2)
    values.extend(str(text) for text in distinct)
    return result


def _answer_codes_by_rows(
    session: Session, scope: list, closed: dict[str, QuestionSpec], response_index: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The generic path: ``(response id, question, value)`` rows, coded chunk by chunk."""
    import numpy as np
    import pandas as pd

    question_index = pd.Index(np.asarray(list(closed), dtype=object), dtype=object)
    value_codes: dict[str, int] = {}
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    query = (
        select(Response.id, Answer.question_key, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(and_(*scope), Answer.question_key.in_(list(closed)))
    )
    for rows in fetch_chunks(Reader.of(session), query):
        table = np.array(rows, dtype=object).reshape(len(rows), 3)  # far quicker than zip(*rows)
        del rows
        response = response_index.get_indexer(table[:, 0])
        question = question_index.get_indexer(table[:, 1])
        codes, distinct = pd.factorize(table[:, 2], use_na_sentinel=True)
        remap = np.array(
            [value_codes.setdefault(v, len(value_codes)) for v in distinct] + [-1], dtype=np.int32
        )
        known = response >= 0
        parts.append((response[known], question[known], remap[codes][known]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, []
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        list(value_codes),
    )
