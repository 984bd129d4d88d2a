"""The one thin loader from database rows to the analysis' tidy tables.

Everything statistical happens in :mod:`analysis`; this module only selects
the rows of one study (optionally a period and some sites) and shapes them as
``docs/CONTRACTS.md`` says.

A large study has millions of answers, so the answers are read as integer
codes, never one Python object per cell kept in memory: one query reads the
responses in scope (one row each, with their wave, site, version ids), a
second streams ``(response, question, value)`` in chunks that are turned
into integer codes at once. The text columns of the tidy table are pandas
categoricals built from those codes (labels mapped afterwards). The filters
(study, period, sites, closed questions) are applied by the database.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Answer,
    Beneficiary,
    Invitation,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Site,
    Study,
    Wave,
)
from survey_app.services import questionnaire_store
from survey_app.services.raw_reads import (
    Reader,
    can_share_snapshot,
    copy_integer_pairs,
    fetch_all,
    fetch_chunks,
    postgres_settings,
    snapshot_readers,
)

if TYPE_CHECKING:  # pandas loads when a study is analysed, not when the app starts
    import numpy as np
    import pandas as pd

    from analysis.inputs import QuestionSpec

#: Responses whose answers one SQLite aggregate returns as one string (~10 bytes an answer).
RESPONSE_CHUNK = 50_000
#: Responses whose answers one PostgreSQL aggregate returns as one bytea (12 bytes an answer);
#: each range scans the answers once more, so ranges are larger than on SQLite.
POSTGRES_RESPONSE_CHUNK = 400_000
#: Memory for the hash of the responses in scope (~80 bytes each) in the answers' join.
POSTGRES_WORK_MEM = "64MB"


@dataclass(frozen=True)
class StudyTables:
    answers: pd.DataFrame
    questions: list[QuestionSpec]
    invitations: pd.DataFrame
    versions: list[str]


def question_specs(session: Session, study: Study) -> list[QuestionSpec]:
    """Closed questions of the study's questionnaire versions, keyed by stable key.

    When a key appears in several versions, the most recent version's metadata
    wins (the designer warns when a new version breaks comparability); each
    version's own wording is kept in ``version_labels`` (``"<key>@<number>"``),
    so each wave can be shown in the words its respondents read.
    """
    from analysis.inputs import QuestionSpec

    version_ids = {wave.questionnaire_version_id for wave in study.waves}
    version_ids |= set(
        session.scalars(
            select(Response.questionnaire_version_id)
            .where(Response.study_id == study.id)
            .distinct()
        ).all()
    )
    versions = session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.id.in_(version_ids))
        .order_by(QuestionnaireVersion.published_at, QuestionnaireVersion.id)
    ).all()
    specs: dict[str, QuestionSpec] = {}
    wordings: dict[str, dict[str, dict[str, str]]] = {}
    for version in versions:
        # Through the per-process cache: the report's version titles read the same definitions.
        definition = questionnaire_store.definition_of(version)
        for scoring in questionnaires.question_scorings(definition):
            wordings.setdefault(scoring.key, {})[version.label] = dict(scoring.label)
            specs[scoring.key] = QuestionSpec(
                key=scoring.key,
                kind=scoring.kind,
                indicator=scoring.indicator,
                positive_codes=scoring.positive_codes,
                scores=scoring.scores,
                polarity=scoring.polarity,
                label=scoring.label,
                choice_labels=scoring.choice_labels,
                version_labels=wordings[scoring.key],
            )
    return list(specs.values())


def load_study_tables(
    session: Session,
    study: Study,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    site_codes: list[str] | None = None,
) -> StudyTables:
    import numpy as np
    import pandas as pd

    from analysis.inputs import ANSWER_COLUMNS

    specs = question_specs(session, study)
    closed = {spec.key: spec for spec in specs if spec.analysed}
    scope = _response_scope(session, study, date_from, date_to, site_codes)
    coding = _AnswerCoding.of(closed)
    with _AnswerPairsReading(session, scope, coding) as reading:
        table = _response_rows(session, reading.rows_reader, scope)
        labels = _response_labels(session, study, table)
        reading.responses_fetched(table[:, 0])
        responses = _response_columns(study, table, labels)
        response, question, value, values = _answer_codes(
            session, scope, closed, coding, responses["key"], reading.pairs()
        )
    keys = list(closed)
    indicators = sorted({spec.indicator for spec in closed.values() if spec.indicator})
    indicator_of = np.array(
        [indicators.index(closed[k].indicator) if closed[k].indicator else -1 for k in keys] + [-1],
        dtype=np.int32,
    )
    columns: dict[str, object] = {}
    for column in ANSWER_COLUMNS:
        if column == "question_key":
            columns[column] = pd.Categorical.from_codes(question, categories=keys)
        elif column == "indicator":
            columns[column] = pd.Categorical.from_codes(
                indicator_of[question], categories=indicators
            )
        elif column == "value":
            columns[column] = pd.Categorical.from_codes(value, categories=values)
        elif column == "completed_date":
            columns[column] = responses[column][response]
        else:
            per_response = responses[column]
            columns[column] = pd.Categorical.from_codes(
                per_response.codes[response], dtype=per_response.dtype
            )
    answers = pd.DataFrame(columns)
    versions = sorted(str(label) for label in answers["questionnaire_version"].unique())
    return StudyTables(
        answers=answers,
        questions=list(closed.values()),
        invitations=_invitations(session, study, date_from, date_to, site_codes),
        versions=versions,
    )


def _response_scope(
    session: Session,
    study: Study,
    date_from: date | None,
    date_to: date | None,
    site_codes: list[str] | None,
) -> list:
    """Conditions on ``Response`` for the responses in scope (sites resolved to ids)."""
    conditions = [Response.study_id == study.id, Response.completed_on.is_not(None)]
    if date_from is not None:
        conditions.append(Response.completed_on >= date_from)
    if date_to is not None:
        conditions.append(Response.completed_on <= date_to)
    if site_codes:
        site_ids = select(Site.id).where(
            Site.organisation_id == study.organisation_id, Site.code.in_(site_codes)
        )
        conditions.append(Response.site_id.in_(site_ids))
    return conditions


#: The columns of :func:`_response_rows`, in order.
_RESPONSE_COLUMNS = 9


def _response_rows(session: Session, reader: Reader, scope: list) -> np.ndarray:
    """One row per response in scope (key, id, code, wave, site, version, day, mode, language).

    Read through ``reader``: the session's connection, or one sharing its snapshot.
    """
    import numpy as np

    rows = fetch_all(
        reader,
        select(
            _response_key(session),
            Response.id,
            Beneficiary.code,
            Response.wave_id,
            Response.site_id,
            Response.questionnaire_version_id,
            Response.completed_on,
            Response.mode,
            Response.language,
        )
        .outerjoin(Beneficiary, Beneficiary.id == Response.beneficiary_id)
        .where(and_(*scope)),
    )
    return np.array(rows, dtype=object).reshape(len(rows), _RESPONSE_COLUMNS)


@dataclass(frozen=True)
class _ResponseLabels:
    """What the ids of the response rows stand for (a few rows from the session)."""

    wave_keys: dict[int, str]
    wave_kinds: dict[int, str]
    sites: dict[int, str]
    versions: dict[int, str]


def _response_labels(session: Session, study: Study, table: np.ndarray) -> _ResponseLabels:
    waves = list(session.scalars(select(Wave).where(Wave.study_id == study.id)))
    sites = dict(
        session.execute(
            select(Site.id, Site.code).where(Site.organisation_id == study.organisation_id)
        ).all()
    )
    versions = {
        version_id: f"{key}@{number}"
        for version_id, key, number in session.execute(
            select(QuestionnaireVersion.id, Questionnaire.key, QuestionnaireVersion.number)
            .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
            .where(QuestionnaireVersion.id.in_(set(table[:, 5])))
        )
    }
    return _ResponseLabels(
        {wave.id: wave.key for wave in waves},
        {wave.id: wave.kind for wave in waves},
        sites,
        versions,
    )


def _response_columns(study: Study, table: np.ndarray, labels: _ResponseLabels) -> dict:
    """One entry per response in scope: ids, and each response-level column as a categorical."""
    import numpy as np
    import pandas as pd

    keys, ids, codes, wave_ids, site_ids, version_ids, days, modes, languages = table.T

    def by_id(ids_: list, names: dict) -> pd.Categorical:
        distinct, inverse = np.unique(np.asarray(ids_, dtype=np.int64), return_inverse=True)
        mapped = [names[int(i)] for i in distinct]
        categories = sorted(set(mapped))
        remap = np.array([categories.index(m) for m in mapped], dtype=np.int32)
        return pd.Categorical.from_codes(remap[inverse] if len(ids_) else [], categories)

    return {
        "key": _integer_keys(keys, ids),
        "response_id": _sorted_categorical(ids),
        "beneficiary_code": _sorted_categorical(codes),
        "study": pd.Categorical.from_codes(np.zeros(len(ids), dtype=np.int8), [study.slug]),
        "wave": by_id(wave_ids, labels.wave_keys),
        "wave_kind": by_id(wave_ids, labels.wave_kinds),
        "site": by_id(site_ids, labels.sites),
        "questionnaire_version": by_id(version_ids, labels.versions),
        # ISO text on SQLite, dates on PostgreSQL: numpy reads both.
        "completed_date": np.asarray(days, dtype="datetime64[D]").astype("datetime64[ns]"),
        "mode": pd.Categorical(modes),
        "language": pd.Categorical(languages),
    }


def _sorted_categorical(texts: np.ndarray) -> pd.Categorical:
    """``pd.Categorical(texts)`` (categories sorted, ``None`` missing), sorted by numpy.

    pandas sorts the distinct texts as Python objects; numpy's fixed-width
    strings sort ten times faster (100,000s of response ids and codes), in
    the same order.
    """
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(texts, use_na_sentinel=True)
    distinct = np.asarray(distinct, dtype=object)
    if len(distinct) == 0 or pd.api.types.infer_dtype(distinct, skipna=False) != "string":
        return pd.Categorical(texts)
    order = np.argsort(distinct.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return pd.Categorical.from_codes(
        np.where(codes >= 0, rank[np.maximum(codes, 0)], -1), categories=distinct[order]
    )


def _integer_keys(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The integer response keys when they are all there and distinct, else the text ids."""
    import numpy as np

    if any(key is None for key in keys):
        return ids
    integers = keys.astype(np.int64)
    return integers if len(np.unique(integers)) == len(integers) else ids


def _response_key(session: Session) -> Any:
    """How answers name their response, as an integer the drivers return cheaply.

    SQLite: the response's rowid. PostgreSQL: a 64-bit hash of its id
    (``hashtextextended``, computed in C for each answer: a regular expression
    and a cast of the id's hex digits cost 3 s for 2.4 M answers); distinct in
    practice, and checked by :func:`load_study_tables`, which falls back to the
    text id otherwise.
    """
    if session.connection().dialect.name == "sqlite":
        return literal_column("response.rowid")
    return func.hashtextextended(Response.id, 0)


@dataclass(frozen=True)
class _AnswerCoding:
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
    def of(cls, closed: dict[str, QuestionSpec]) -> _AnswerCoding:
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


class _AnswerPairsReading:
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
      writes of its own): :meth:`pairs` is None and :func:`_answer_codes`
      reads them itself, after the responses.
    """

    def __init__(self, session: Session, scope: list, coding: _AnswerCoding) -> None:
        self._session, self._scope, self._coding = session, scope, coding
        self._stack = ExitStack()
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future | None = None
        self._sqlite_packed: tuple[Any, int] | None = None
        self.rows_reader = Reader.of(session)

    def __enter__(self) -> _AnswerPairsReading:
        session, coding = self._session, self._coding
        try:
            if can_share_snapshot(session):
                self.rows_reader, pairs_reader = self._stack.enter_context(
                    snapshot_readers(session, 2)
                )
                self._future = self._thread().submit(
                    _postgres_answers,
                    pairs_reader,
                    cast(coding.code, Integer),
                    self._scope,
                    coding.keys,
                )
            elif _sqlite_file(session):
                # Built here: the session is not for another thread's use.
                width = (len(coding.keys) + 1) * coding.n_values
                self._sqlite_packed = (_response_key(session) * width + coding.code, width)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _thread(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # Entered last, left first: the thread ends before its connection goes back.
            self._pool = self._stack.enter_context(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers")
            )
        return self._pool

    def responses_fetched(self, keys: np.ndarray) -> None:
        """Start the SQLite read, now that the responses' rows and their keys are in hand."""
        if self._future is None and self._sqlite_packed is not None:
            expression, width = self._sqlite_packed
            self._future = self._thread().submit(
                _sqlite_pairs, self.rows_reader, expression, width, self._scope, keys
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


def _answer_codes(
    session: Session,
    scope: list,
    closed: dict[str, QuestionSpec],
    coding: _AnswerCoding,
    response_keys: Any,
    pairs: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The answers in scope as integer codes, without one Python object per answer.

    Returns the row of each answer's response (in ``response_keys``), its
    question (index in ``closed``), its value (index in the returned list of
    distinct values, −1 when missing) and that list.

    The database itself codes each answer (:class:`_AnswerCoding`), so the
    driver hands back integers only: one per answer on SQLite (response
    rowid, question and value packed), a binary ``COPY`` of fixed-width rows
    on PostgreSQL read straight into numpy (``pairs``, when already read
    meanwhile). The rare value outside the known codes (integer questions,
    choices without a list) is read as text by a second query. Response keys
    that are not integers (see :func:`_response_key`) take the generic
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
        response_key, code_array = pairs
    elif session.connection().dialect.name == "sqlite":
        width = (len(keys) + 1) * n_values
        response_key, code_array = _sqlite_pairs(
            Reader.of(session),
            _response_key(session) * width + coding.code,
            width,
            scope,
            response_index,
        )
    else:
        response_key, code_array = _postgres_answers(
            Reader.of(session), cast(coding.code, Integer), scope, keys
        )
    question, value = np.divmod(code_array, n_values)
    response = response_index.get_indexer(response_key)
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
    reader: Reader, packed: Any, width: int, scope: list, keys: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The (response rowid, code) of each answer in scope, from SQLite's ``group_concat``.

    ``packed`` is ``rowid * width + code`` for each answer. One aggregate per
    range of response rowids (``keys``, the rowids in scope) hands back a
    single string of space-separated integers, parsed by numpy in C: handing
    2.4 M integers to Python one by one (``fetchmany`` + ``np.fromiter``) cost
    more than SQLite's own work, and SQLite releases the GIL while it
    aggregates. The range (``RESPONSE_CHUNK`` responses in scope) bounds the
    string's size; SQLite still walks ``ix_response_study_id`` then each
    response's answers in place.
    """
    import numpy as np

    rowid = literal_column("response.rowid")
    parts = []
    for first, last in _key_ranges(keys, RESPONSE_CHUNK):
        query = (
            select(func.group_concat(packed, " "))
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
            .where(*scope, rowid.between(first, last))
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
    reader: Reader, code: Any, scope: list, keys: list[str]
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

    pair = func.int8send(_response_key_of_answer()).op("||")(func.int4send(code))
    query = (
        select(func.string_agg(pair, literal_column("''::bytea")))
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(*scope, Answer.question_key.in_(keys))
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
    """:func:`_response_key` on PostgreSQL, from the answer's own column (same value)."""
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
        select(_response_key(session), Answer.question_key, Answer.value)
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


def _invitations(
    session: Session,
    study: Study,
    date_from: date | None,
    date_to: date | None,
    site_codes: list[str] | None,
) -> pd.DataFrame:
    import pandas as pd

    from analysis.inputs import INVITATION_COLUMNS, INVITATION_OPTIONAL_COLUMNS

    conditions = [Wave.study_id == study.id]
    if site_codes:
        conditions.append(Site.code.in_(site_codes))
    query = (
        select(
            Invitation.id.label("invitation_id"),
            Wave.key.label("wave"),
            Wave.kind.label("wave_kind"),
            Site.code.label("site"),
            Invitation.created_at,
            Invitation.sent_at,
            Invitation.opened_at,
            Invitation.started_at,
            Invitation.completed_at,
            Invitation.expired_at.is_not(None).label("expired"),
            Beneficiary.code.label("beneficiary_code"),
            Beneficiary.support_started_on,
        )
        .select_from(Invitation)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
        .join(Site, Site.id == Beneficiary.site_id)
        .where(and_(*conditions))
    )
    frame = pd.read_sql(query, session.connection())
    for column in ("created_at", "sent_at", "opened_at", "started_at", "completed_at"):
        frame[column] = pd.to_datetime(frame[column])
    if date_from is not None:
        frame = frame[frame["created_at"] >= pd.Timestamp(date_from)]
    if date_to is not None:
        frame = frame[frame["created_at"] < pd.Timestamp(date_to) + pd.Timedelta(days=1)]
    frame["expired"] = frame["expired"].astype(bool)
    columns = [*INVITATION_COLUMNS, *INVITATION_OPTIONAL_COLUMNS]
    return frame.loc[:, columns].reset_index(drop=True)
