"""Importing historical answers from a CSV tidy table, all or nothing.

The CSV has the columns of ``analysis.ANSWER_COLUMNS`` (see
``docs/CONTRACTS.md``). The analysis package validates codes against each
question; this module then checks what only the database knows (waves,
sites, questionnaire versions of the study) and writes every response, or
nothing: any problem raises :class:`ImportRejected` listing every row.

Millions of answers: the file is read once into categoricals (integer codes,
each distinct text once), every check is vectorised, and the rows are
written in bulk on the session's own connection (``COPY`` on PostgreSQL,
``executemany`` on SQLite) inside the caller's transaction, so a failure
leaves nothing behind. ``progress`` receives a line per step.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Beneficiary,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Site,
    Study,
)
from survey_app.services.analysis_input import question_specs
from survey_app.services.errors import DomainError

if TYPE_CHECKING:  # pandas and the analysis package load when a file is imported
    import pandas as pd

    from analysis.inputs import PreparedAnswers, TableProblem

#: Answers written per round trip (and per progress line).
WRITE_CHUNK = 200_000
#: CSV rows parsed at a time (then kept only as categorical codes).
READ_CHUNK = 500_000
_DB_CHECKED = ("study", "wave", "wave_kind", "site", "questionnaire_version", "response_id")

# Imported response ids are derived from the study and the file's response id,
# so importing the same file twice is detected instead of doubling the data.
_IMPORT_NAMESPACE = uuid.UUID("2f8c1f4e-7a43-4f0e-9d7e-0c2a9c6f5e11")


class ImportRejected(DomainError):
    def __init__(self, problems: list[TableProblem], total: int | None = None) -> None:
        self.problems = problems
        total = len(problems) if total is None else total
        lines = [str(problem) for problem in problems[:50]]
        if total > len(lines):
            lines.append(f"… and {total - len(lines)} more")
        super().__init__(
            f"import refused, nothing was saved; {total} problem(s):\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class ImportSummary:
    responses: int
    answers: int
    beneficiaries_created: int


def imported_response_id(study: Study, external_id: str) -> str:
    return uuid.uuid5(_IMPORT_NAMESPACE, f"{study.id}:{external_id}").hex


def _read_table(source: IO[Any], say: Callable[[str], None]) -> pd.DataFrame:
    """The file as categorical text columns (each distinct text stored once).

    Read ``READ_CHUNK`` rows at a time and each chunk's columns turned into
    categoricals at once, so memory holds integer codes and the distinct
    texts, never the whole file nor one string per cell.
    """
    import pandas as pd
    from pandas.api.types import union_categoricals

    from analysis.inputs import TableProblem

    parts: list[pd.DataFrame] = []
    rows = 0
    try:
        for part in pd.read_csv(
            source,
            dtype="category",
            keep_default_na=False,
            na_values=[],
            encoding="utf-8-sig",
            chunksize=READ_CHUNK,
        ):
            parts.append(part)
            rows += len(part)
            say(f"read {rows:,} rows")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportRejected(
            [TableProblem(None, None, None, f"cannot read CSV: {error}")]
        ) from error
    if len(parts) == 1:
        table = parts[0]
    else:
        table = pd.DataFrame(
            {
                column: union_categoricals([part[column] for part in parts])
                for column in parts[0].columns
            }
        )
    table.columns = [str(column).strip() for column in table.columns]
    return table


def import_answers_csv(
    session: Session,
    study: Study,
    source: IO[Any] | str,
    *,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    import numpy as np

    from analysis.inputs import AnswerTableError, prepare_answers

    say = progress or (lambda _line: None)
    if not hasattr(source, "read"):
        with open(source, "rb") as stream:
            table = _read_table(stream, say)
    else:
        if isinstance(source, io.TextIOBase):  # pandas decodes bytes itself
            source = io.BytesIO(source.read().encode("utf-8"))
        table = _read_table(source, say)
    specs = question_specs(session, study)
    problems: list[TableProblem] = []
    prepared = None
    try:
        prepared = prepare_answers(table, specs, row_labels=np.arange(2, len(table) + 2))
    except AnswerTableError as error:
        problems.extend(error.problems)
        if not set(_DB_CHECKED) <= set(table.columns):
            raise ImportRejected(error.problems, error.n_problems) from error
    say("checked the answers against the questionnaires")
    waves = {wave.key: wave for wave in study.waves}
    sites = {
        site.code: site
        for site in session.scalars(
            select(Site).where(Site.organisation_id == study.organisation_id)
        ).all()
    }
    versions = {
        f"{key}@{number}": version
        for version, key, number in session.execute(
            select(QuestionnaireVersion, Questionnaire.key, QuestionnaireVersion.number)
            .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
            .where(Questionnaire.organisation_id == study.organisation_id)
        ).all()
    }
    problems += _database_problems(session, study, table, waves, sites, versions)
    if problems:
        unique = {(p.row, p.column, str(p.value), p.message): p for p in problems}
        raise ImportRejected(sorted(unique.values(), key=lambda p: (p.row or 0, p.column or "")))
    del table
    say("checked waves, sites, versions and earlier imports")
    assert prepared is not None  # noqa: S101 - no problem means the table validated
    return _write(session, study, prepared, waves, sites, versions, say)


def _rows_where(table: pd.DataFrame, column: str, bad_text: Callable[[str], bool]) -> Any:
    """Boolean mask of the rows whose (stripped) text in ``column`` is bad; decided per category."""
    import numpy as np

    values = table[column].cat
    bad = np.array([bad_text(str(c).strip()) for c in values.categories] + [True], dtype=bool)
    return bad[values.codes.to_numpy()]


def _database_problems(session, study, table, waves, sites, versions) -> list[TableProblem]:
    """What only the database knows: study, waves, sites, versions, earlier imports."""
    import numpy as np

    from analysis.inputs import TableProblem

    rows = np.arange(2, len(table) + 2)
    found: list[TableProblem] = []

    def report(mask, column: str, message: Callable[[Any], str]) -> None:
        for position in np.flatnonzero(mask)[:200]:
            value = table[column].iloc[position]
            found.append(TableProblem(int(rows[position]), column, value, message(position)))

    for column, known, what in (
        ("study", {study.slug}, "this study"),
        ("wave", set(waves), "a wave of this study"),
        ("site", set(sites), "a site of this organisation"),
        ("questionnaire_version", set(versions), "a questionnaire version of this organisation"),
    ):
        report(_rows_where(table, column, lambda text, k=known: text not in k), column,
               lambda _p, w=what: f"is not {w}")  # fmt: skip
    # Wave kinds: decided once per distinct (wave, wave_kind) pair of the file.
    wave, kind = table["wave"].cat, table["wave_kind"].cat
    wave_text = [str(c).strip() for c in wave.categories]
    kind_text = [str(c).strip() for c in kind.categories]
    width = len(kind_text) + 1
    pair = wave.codes.to_numpy().astype(np.int64) * width + kind.codes.to_numpy()
    distinct, inverse = np.unique(pair, return_inverse=True)
    expected: list[str | None] = []
    for combined in distinct.tolist():
        w, k = divmod(combined, width)
        known_wave = waves.get(wave_text[w]) if 0 <= w < len(wave_text) else None
        actual = kind_text[k] if 0 <= k < len(kind_text) else None
        wrong = known_wave is not None and known_wave.kind != actual
        expected.append(known_wave.kind if wrong else None)
    mismatch = np.array([e is not None for e in expected], dtype=bool)[inverse]
    report(
        mismatch,
        "wave_kind",
        lambda p: f"wave {str(table['wave'].iloc[p]).strip()!r} is a {expected[inverse[p]]} wave",
    )
    earlier = set(
        session.scalars(
            select(Response.id).where(Response.study_id == study.id, Response.imported.is_(True))
        )
    )
    if earlier:
        report(
            _rows_where(table, "response_id", lambda t: imported_response_id(study, t) in earlier)
            & ~table["response_id"].duplicated().to_numpy(),
            "response_id",
            lambda _p: "was already imported into this study",
        )
    return found


def _write(
    session: Session,
    study: Study,
    prepared: PreparedAnswers,
    waves: dict,
    sites: dict,
    versions: dict,
    say: Callable[[str], None],
) -> ImportSummary:
    """Insert beneficiaries, responses and answers in bulk on the session's connection."""
    import numpy as np

    responses = prepared.responses
    connection = session.connection()
    # Beneficiaries: codes not yet known are created, at the site and date of their first response.
    known = dict(
        session.execute(
            select(Beneficiary.code, Beneficiary.id).where(
                Beneficiary.organisation_id == study.organisation_id
            )
        ).all()
    )
    coded = responses[responses["beneficiary_code"].notna()]
    coded = coded.sort_values("completed_date", kind="stable")
    first = coded.drop_duplicates("beneficiary_code")  # sorted stably: the earliest response
    new = first[~first["beneficiary_code"].isin(known)]
    now = datetime.now(UTC).replace(tzinfo=None)
    if len(new):
        sqlite = connection.dialect.name == "sqlite"
        # Stored as SQLAlchemy stores them on SQLite: ISO text, microseconds always shown.
        created = now.isoformat(sep=" ", timespec="microseconds") if sqlite else now
        site_ids = _ids_of(new["site"], {code: site.id for code, site in sites.items()})
        _bulk_insert(
            connection,
            "beneficiary",
            ("organisation_id", "code", "site_id", "support_started_on", "created_at"),
            (
                (
                    study.organisation_id,
                    code,
                    site_id,
                    day.date().isoformat() if sqlite else day.date(),
                    created,
                )
                for code, site_id, day in zip(
                    new["beneficiary_code"].tolist(),
                    site_ids,
                    new["completed_date"].tolist(),
                    strict=True,
                )
            ),
        )
        known = dict(
            session.execute(
                select(Beneficiary.code, Beneficiary.id).where(
                    Beneficiary.organisation_id == study.organisation_id
                )
            ).all()
        )
    say(f"{len(new):,} new beneficiary codes")
    # Rows are written in primary-key order: SQLite appends to its B-trees instead of
    # splitting pages all over them (the answer table is clustered by response).
    ids = np.asarray(
        [imported_response_id(study, str(external)) for external in responses["response_id"]],
        dtype=object,
    )
    response_order = np.argsort(ids.astype("U32"), kind="stable")
    response_rank = np.empty(len(ids), dtype=np.int64)
    response_rank[response_order] = np.arange(len(ids))
    wave_ids = _ids_of(responses["wave"], {key: wave.id for key, wave in waves.items()})
    version_ids = _ids_of(
        responses["questionnaire_version"], {key: v.id for key, v in versions.items()}
    )
    site_ids = _ids_of(responses["site"], {key: site.id for key, site in sites.items()})
    beneficiary_ids = [
        known[code] if isinstance(code, str) else None
        for code in responses["beneficiary_code"].tolist()
    ]
    modes = responses["mode"].to_numpy(dtype=object)
    languages = responses["language"].to_numpy(dtype=object)
    days = responses["completed_date"].dt.date.to_numpy(dtype=object)
    if connection.dialect.name == "sqlite":  # stored as ISO text, as SQLAlchemy writes dates
        days = np.asarray([day.isoformat() for day in days], dtype=object)

    def response_rows() -> Iterator[tuple]:
        for start in range(0, len(ids), WRITE_CHUNK):
            part = response_order[start : start + WRITE_CHUNK].tolist()
            for i in part:
                yield (
                    ids[i],
                    study.organisation_id,
                    study.id,
                    wave_ids[i],
                    version_ids[i],
                    site_ids[i],
                    beneficiary_ids[i],
                    modes[i],
                    languages[i],
                    days[i],
                    True,
                    0,
                    True,
                )
            say(f"responses {min(start + WRITE_CHUNK, len(ids)):,} / {len(ids):,}")

    _bulk_insert(connection, "response", _RESPONSE_COLUMNS, response_rows())
    numbers = _answer_numbers(session, prepared, versions)
    keys = np.asarray(prepared.question_keys, dtype=object)
    key_rank = np.argsort(np.argsort(keys.astype(str), kind="stable"), kind="stable")
    answer_order = (
        np.lexsort((key_rank[prepared.question], response_rank[prepared.response]))
        if len(keys)
        else np.zeros(0, dtype=np.int64)
    )
    values = np.asarray([*prepared.values, None], dtype=object)
    total = len(prepared.response)

    def answer_rows() -> Iterator[tuple]:
        for start in range(0, total, WRITE_CHUNK):
            part = answer_order[start : start + WRITE_CHUNK]
            yield from zip(
                ids[prepared.response[part]].tolist(),
                keys[prepared.question[part]].tolist(),
                values[prepared.value[part]].tolist(),
                numbers[part].tolist(),
                strict=True,
            )
            say(f"answers {min(start + WRITE_CHUNK, total):,} / {total:,}")

    _bulk_insert(connection, "answer", _ANSWER_COLUMNS, answer_rows())
    return ImportSummary(responses=len(responses), answers=total, beneficiaries_created=len(new))


_RESPONSE_COLUMNS = (
    "id",
    "organisation_id",
    "study_id",
    "wave_id",
    "questionnaire_version_id",
    "site_id",
    "beneficiary_id",
    "mode",
    "language",
    "completed_on",
    "consented",
    "revision",
    "imported",
)
_ANSWER_COLUMNS = ("response_id", "question_key", "value", "number")


def _ids_of(labels: Any, ids: dict[str, int]) -> list[int]:
    """The database id of each response's wave, site or version, looked up once per label."""
    import pandas as pd

    codes, distinct = pd.factorize(labels)
    lookup = [ids[str(label)] for label in distinct]
    return [lookup[code] for code in codes.tolist()]


def _answer_numbers(session: Session, prepared: PreparedAnswers, versions: dict) -> Any:
    """Each answer's numeric score, computed once per (version, question, value)."""
    import numpy as np

    version_labels, version_of_response = np.unique(
        prepared.responses["questionnaire_version"].to_numpy(dtype=object).astype(str),
        return_inverse=True,
    )
    n_questions, n_values = len(prepared.question_keys), len(prepared.values) + 1
    triple = (
        version_of_response[prepared.response].astype(np.int64) * n_questions + prepared.question
    ) * n_values + (prepared.value + 1)
    distinct, inverse = np.unique(triple, return_inverse=True)
    scores = np.full(len(distinct), np.nan)
    definitions: dict[str, Any] = {}
    for j, combined in enumerate(distinct.tolist()):
        rest, value_index = divmod(combined, n_values)
        version_index, question_index = divmod(rest, n_questions)
        if value_index == 0:
            continue
        label = str(version_labels[version_index])
        if label not in definitions:  # parsing and schema-checking a definition costs ~0.1 s
            definitions[label] = questionnaires.load_definition(
                versions[label].definition, source_name=label
            )
        definition = definitions[label]
        try:
            question = definition.question(prepared.question_keys[question_index])
        except KeyError:
            continue
        score = questionnaires.score(question, str(prepared.values[value_index - 1]))
        scores[j] = np.nan if score is None else score
    numbers = scores[inverse].astype(object)
    numbers[np.isnan(scores[inverse])] = None
    return numbers


def _bulk_insert(connection, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
    """COPY on PostgreSQL, executemany on SQLite, on the session's connection and transaction.

    Raw driver calls (no SQLAlchemy per-row processing): only for the plain
    text, number, date and boolean columns of the rows written here.
    """
    driver = connection.connection.driver_connection
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    cursor = driver.cursor()
    marks = ", ".join("?" for _ in columns)
    try:
        # Table and column names are this module's constants, never user input.
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608  # nosec B608
    finally:
        cursor.close()
