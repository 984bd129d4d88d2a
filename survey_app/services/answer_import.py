"""Importing historical answers from a CSV tidy table, all or nothing.

The CSV has the columns of ``analysis.ANSWER_COLUMNS`` (see
``docs/CONTRACTS.md``). The analysis package validates codes against each
question; this module then checks what only the database knows (waves,
sites, questionnaire versions of the study) and writes every response, or
nothing: any problem raises :class:`ImportRejected` listing every row.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Answer,
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

    from analysis.inputs import TableProblem

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


def _raw_table(data: bytes) -> pd.DataFrame | None:
    """The file as text cells, to check what only the database knows even when
    the analysis validation already found problems (all problems in one pass)."""
    import pandas as pd

    try:
        table = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    table.columns = [str(column).strip() for column in table.columns]
    table = table.replace({"": None})
    return table


def import_answers_csv(session: Session, study: Study, source: IO[Any] | str) -> ImportSummary:
    import pandas as pd

    from analysis.inputs import AnswerTableError, TableProblem, read_answers_csv

    data = source.read() if hasattr(source, "read") else open(source, "rb").read()  # noqa: SIM115
    if isinstance(data, str):
        data = data.encode("utf-8")
    specs = question_specs(session, study)
    problems: list[TableProblem] = []
    try:
        table = read_answers_csv(io.BytesIO(data), specs)
    except AnswerTableError as error:
        problems.extend(error.problems)
        raw = _raw_table(data)
        needed = {"study", "wave", "wave_kind", "site", "questionnaire_version", "response_id"}
        if raw is None or not needed <= set(raw.columns):
            raise ImportRejected(error.problems, error.n_problems) from error
        table = raw
    table = table.reset_index(drop=True)
    rows = pd.Series(range(2, len(table) + 2), index=table.index)
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
    for column, known, what in (
        ("study", {study.slug}, "this study"),
        ("wave", set(waves), "a wave of this study"),
        ("site", set(sites), "a site of this organisation"),
        ("questionnaire_version", set(versions), "a questionnaire version of this organisation"),
    ):
        bad = ~table[column].isin(known)
        for index in table.index[bad][:200]:
            problems.append(
                TableProblem(int(rows[index]), column, table.at[index, column], f"is not {what}")
            )
    kinds = table["wave"].map({key: wave.kind for key, wave in waves.items()})
    mismatch = kinds.notna() & (kinds != table["wave_kind"])
    for index in table.index[mismatch][:200]:
        problems.append(
            TableProblem(
                int(rows[index]),
                "wave_kind",
                table.at[index, "wave_kind"],
                f"wave {table.at[index, 'wave']!r} is a {kinds[index]} wave",
            )
        )
    for external_id, group in table.groupby("response_id", sort=False):
        for column in (
            "beneficiary_code",
            "wave",
            "site",
            "questionnaire_version",
            "completed_date",
            "mode",
            "language",
        ):
            if column in group and group[column].astype(str).nunique(dropna=False) > 1:
                problems.append(
                    TableProblem(
                        int(rows[group.index[1]]),
                        column,
                        group[column].iloc[1],
                        f"differs between rows of response {external_id!r}",
                    )
                )
        if session.get(Response, imported_response_id(study, str(external_id))) is not None:
            problems.append(
                TableProblem(
                    int(rows[group.index[0]]),
                    "response_id",
                    external_id,
                    "was already imported into this study",
                )
            )
    duplicated = (
        table.duplicated(["response_id", "question_key"], keep="first")
        if "question_key" in table
        else pd.Series(False, index=table.index)
    )
    for index in table.index[duplicated][:200]:
        problems.append(
            TableProblem(
                int(rows[index]),
                "question_key",
                table.at[index, "question_key"],
                "appears twice for the same response",
            )
        )
    if problems:
        unique = {(p.row, p.column, str(p.value), p.message): p for p in problems}
        raise ImportRejected(sorted(unique.values(), key=lambda p: (p.row or 0, p.column or "")))
    return _write(session, study, table, waves, sites, versions)


def _write(session, study, table, waves, sites, versions) -> ImportSummary:
    import pandas as pd

    beneficiaries = {
        b.code: b
        for b in session.scalars(
            select(Beneficiary).where(Beneficiary.organisation_id == study.organisation_id)
        ).all()
    }
    definitions: dict[str, questionnaires.Questionnaire] = {}
    created = 0
    n_answers = 0
    responses = 0
    for external_id, group in table.groupby("response_id", sort=False):
        first = group.iloc[0]
        version = versions[first["questionnaire_version"]]
        if first["questionnaire_version"] not in definitions:
            definitions[first["questionnaire_version"]] = questionnaires.load_definition(
                version.definition, source_name=first["questionnaire_version"]
            )
        definition = definitions[first["questionnaire_version"]]
        completed_on = pd.Timestamp(first["completed_date"]).date()
        beneficiary_id = None
        code = first["beneficiary_code"]
        if code is not None and not pd.isna(code):
            beneficiary = beneficiaries.get(code)
            if beneficiary is None:
                beneficiary = Beneficiary(
                    organisation_id=study.organisation_id,
                    code=code,
                    site_id=sites[first["site"]].id,
                    support_started_on=completed_on,
                )
                session.add(beneficiary)
                session.flush()
                beneficiaries[code] = beneficiary
                created += 1
            beneficiary_id = beneficiary.id
        response = Response(
            id=imported_response_id(study, str(external_id)),
            organisation_id=study.organisation_id,
            study_id=study.id,
            wave_id=waves[first["wave"]].id,
            questionnaire_version_id=version.id,
            site_id=sites[first["site"]].id,
            beneficiary_id=beneficiary_id,
            mode=first["mode"],
            language=first["language"],
            completed_on=completed_on,
            consented=True,
            imported=True,
        )
        session.add(response)
        responses += 1
        for _, row in group.iterrows():
            value = row["value"] if row["value"] is not None and not pd.isna(row["value"]) else None
            try:
                question = definition.question(row["question_key"])
                number = questionnaires.score(question, value) if value else None
            except KeyError:
                number = None
            session.add(
                Answer(
                    response_id=response.id,
                    question_key=row["question_key"],
                    value=value,
                    number=number,
                )
            )
            n_answers += 1
    session.flush()
    return ImportSummary(responses=responses, answers=n_answers, beneficiaries_created=created)
