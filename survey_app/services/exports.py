"""Exports for directors and quality managers: answers and indicator tables.

Answers leave the application identified by the pseudonymous beneficiary code
only (never a name or a contact detail). Free-text answers may hold anything a
person chose to write, so they are exported only when explicitly asked for.
Cells that a spreadsheet would run as a formula (``= + - @`` …) are prefixed
with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

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
    Wave,
)
from survey_app.services.analysis_input import question_specs
from survey_app.services.reporting import ReportParameters

if TYPE_CHECKING:  # pandas, openpyxl and analysis load when an export is made
    import pandas as pd

    import analysis
    from analysis.inputs import QuestionSpec

TEXT_KINDS = ("text_short", "text_long")
RESPONSE_COLUMNS = (
    "response_id",
    "beneficiary_code",
    "wave",
    "wave_kind",
    "site",
    "questionnaire_version",
    "completed_date",
    "mode",
    "language",
)
#: First characters that make a spreadsheet run a cell as a formula (OWASP "CSV
#: injection"), with the fullwidth forms some spreadsheets read as the ASCII ones
#: and ``|`` (DDE in older Excel).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "|")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula (every export uses this)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def answers_table(
    session: Session,
    study: Study,
    params: ReportParameters,
    *,
    include_free_text: bool = False,
) -> tuple[pd.DataFrame, list[QuestionSpec]]:
    """One row per response, one column per question (codes as stored)."""
    import pandas as pd

    specs = [s for s in question_specs(session, study) if s.kind not in (*TEXT_KINDS, "note")]
    if include_free_text:
        specs += _free_text_specs(session, study)
    keys = [spec.key for spec in specs]
    conditions = [Response.study_id == study.id, Response.completed_on.is_not(None)]
    if params.date_from:
        conditions.append(Response.completed_on >= params.date_from)
    if params.date_to:
        conditions.append(Response.completed_on <= params.date_to)
    if params.sites:
        conditions.append(Site.code.in_(params.sites))
    query = (
        select(
            Response.id.label("response_id"),
            Beneficiary.code.label("beneficiary_code"),
            Wave.key.label("wave"),
            Wave.kind.label("wave_kind"),
            Site.code.label("site"),
            Questionnaire.key.label("questionnaire"),
            QuestionnaireVersion.number.label("version"),
            Response.completed_on.label("completed_date"),
            Response.mode,
            Response.language,
            Answer.question_key,
            Answer.value,
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Site, Site.id == Response.site_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .outerjoin(Beneficiary, Beneficiary.id == Response.beneficiary_id)
        .where(*conditions, Answer.question_key.in_(keys))
    )
    long = pd.read_sql(query, session.connection())
    long["questionnaire_version"] = long["questionnaire"] + "@" + long["version"].astype(str)
    index = list(RESPONSE_COLUMNS)
    if long.empty:
        return pd.DataFrame(columns=index + keys), specs
    values = long.drop_duplicates(["response_id", "question_key"]).pivot(
        index="response_id", columns="question_key", values="value"
    )
    values = values.reindex(columns=keys)
    meta = long.drop_duplicates("response_id").set_index("response_id")[index[1:]]
    wide = meta.join(values).reset_index()
    wide = wide.sort_values(["completed_date", "response_id"]).reset_index(drop=True)
    wide.columns.name = None
    return wide, specs


def _free_text_specs(session: Session, study: Study) -> list[QuestionSpec]:
    """Free-text questions of the study's questionnaire versions (never analysed)."""
    from analysis.inputs import QuestionSpec

    version_ids = {wave.questionnaire_version_id for wave in study.waves}
    version_ids |= set(
        session.scalars(
            select(Response.questionnaire_version_id)
            .where(Response.study_id == study.id)
            .distinct()
        )
    )
    found: dict[str, QuestionSpec] = {}
    for version in session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))
    ):
        definition = questionnaires.load_definition(version.definition, source_name=version.label)
        for question in definition.questions:
            if question.type in TEXT_KINDS:
                found[question.key] = QuestionSpec(
                    key=question.key, kind=question.type, label=dict(question.label)
                )
    return list(found.values())


def data_dictionary(specs: Sequence[QuestionSpec]) -> list[list[str]]:
    """Rows describing every column of the answers export."""
    rows = [["column", "type", "indicator", "label (fr)", "label (en)", "codes"]]
    described = {
        "response_id": "random identifier of one completed questionnaire",
        "beneficiary_code": "pseudonymous code of the person (empty for open links)",
        "wave": "wave key",
        "wave_kind": "baseline, follow_up or exit",
        "site": "site code",
        "questionnaire_version": "questionnaire key@version number",
        "completed_date": "day the questionnaire was completed",
        "mode": "self, assisted (with a worker) or read_aloud",
        "language": "fr or en",
    }
    for column, text in described.items():
        rows.append([column, "metadata", "", "", text, ""])
    for spec in specs:
        codes = "; ".join(
            f"{code} = {labels.get('en') or labels.get('fr') or ''}"
            for code, labels in spec.choice_labels.items()
        )
        if spec.kind == "agreement" and not codes:
            codes = "1 = strongly disagree … 5 = strongly agree"
        if spec.kind == "rating" and not codes:
            codes = "0 … 10"
        if spec.kind not in TEXT_KINDS:
            codes = f"{codes}; _pna = prefer not to answer; empty = not answered".lstrip("; ")
        rows.append(
            [
                spec.key,
                spec.kind,
                spec.indicator or "",
                spec.label.get("fr", ""),
                spec.label.get("en", ""),
                codes,
            ]
        )
    return rows


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.date):  # pandas.Timestamp is a datetime, hence a date
        return value.isoformat()[:10]
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM (so spreadsheet software reads the accents), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_plain(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows); formulas neutralised."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(_plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def answers_export(
    session: Session, study: Study, params: ReportParameters, fmt: str, *, include_free_text: bool
) -> bytes:
    frame, specs = answers_table(session, study, params, include_free_text=include_free_text)
    header = list(frame.columns)
    rows = frame.itertuples(index=False, name=None)
    if fmt == "csv":
        return to_csv(header, rows)
    dictionary = data_dictionary(specs)
    return to_xlsx([("answers", header, rows), ("data dictionary", dictionary[0], dictionary[1:])])


# --- indicator tables ----------------------------------------------------------------

INDICATOR_HEADER = (
    "indicator",
    "wave",
    "n",
    "positive",
    "share_positive",
    "ci_low",
    "ci_high",
    "mean",
    "mean_ci_low",
    "mean_ci_high",
    "nps",
    "suppressed",
    "share_bound",
)
GAIN_HEADER = (
    "target",
    "target_kind",
    "from_wave",
    "to_wave",
    "test",
    "n_pairs",
    "mean_change",
    "change_ci_low",
    "change_ci_high",
    "share_improved",
    "share_unchanged",
    "share_worse",
    "p_value",
    "p_holm",
    "rank_biserial",
    "cohen_dz",
    "suppressed",
)
BREAKDOWN_HEADER = (
    "target",
    "by",
    "group",
    "n",
    "share_positive",
    "ci_low",
    "ci_high",
    "mean",
    "test",
    "p_value",
    "suppressed",
    "share_bound",
)


def share_bound_text(estimate: Any) -> str:
    """A withheld share's published bound as ``">=0.95"`` / ``"<=0.05"`` (issue 11), else ``""``."""
    bound = getattr(estimate, "bound", None) if estimate is not None else None
    return f"{bound.relation}{bound.value:g}" if bound is not None else ""


def indicator_rows(result: analysis.StudyAnalysis) -> list[list[Any]]:
    rows = []
    for item in result.indicators:
        positive = item.positive
        location = item.location
        hidden = item.suppressed or (positive is not None and positive.suppressed)
        rows.append(
            [
                item.indicator,
                item.wave or "",
                positive.n if positive else item.n_respondents,
                positive.successes if positive else None,
                positive.estimate if positive else None,
                positive.interval.low if positive else None,
                positive.interval.high if positive else None,
                location.mean if location else None,
                location.mean_interval.low if location else None,
                location.mean_interval.high if location else None,
                item.nps.nps if item.nps else None,
                "yes" if hidden else "",
                share_bound_text(positive),
            ]
        )
    return rows


def gain_rows(result: analysis.StudyAnalysis) -> list[list[Any]]:
    rows = []
    for gain in result.gains:
        pair, test = gain.paired, gain.mcnemar
        if pair is not None:
            values = [
                pair.n_pairs,
                pair.mean_change,
                pair.change_interval.low,
                pair.change_interval.high,
                pair.share_improved,
                pair.share_unchanged,
                pair.share_worse,
                gain.p_value,
                gain.p_holm,
                pair.rank_biserial.estimate,
                pair.cohen_dz.estimate,
            ]
        elif test is not None:
            values = [
                test.n_pairs,
                test.difference,
                test.difference_interval.low,
                test.difference_interval.high,
                test.n_improved / test.n_pairs
                if test.n_pairs and test.n_improved is not None
                else None,
                None,
                test.n_worse / test.n_pairs if test.n_pairs and test.n_worse is not None else None,
                gain.p_value,
                gain.p_holm,
                None,
                None,
            ]
        else:
            values = [None] * 11
        rows.append(
            [
                gain.target,
                gain.target_kind,
                gain.from_wave,
                gain.to_wave,
                gain.test,
                *values,
                "yes" if gain.suppressed else "",
            ]
        )
    return rows


def breakdown_rows(result: analysis.StudyAnalysis) -> list[list[Any]]:
    rows = []
    for breakdown in result.breakdowns:
        for row in breakdown.rows:
            hidden = row.suppressed or row.positive.suppressed
            rows.append(
                [
                    breakdown.target,
                    breakdown.by,
                    row.group,
                    row.n,
                    row.positive.estimate,
                    row.positive.interval.low,
                    row.positive.interval.high,
                    row.mean,
                    breakdown.test.test,
                    breakdown.test.p_value,
                    "yes" if hidden else "",
                    share_bound_text(row.positive),
                ]
            )
    return rows


def indicators_export(result: analysis.StudyAnalysis, fmt: str) -> bytes:
    """The indicator tables of ``indicators --json``, flattened; suppressed cells stay empty."""
    if fmt == "csv":
        return to_csv(INDICATOR_HEADER, indicator_rows(result))
    return to_xlsx(
        [
            ("indicators", INDICATOR_HEADER, indicator_rows(result)),
            ("gains", GAIN_HEADER, gain_rows(result)),
            ("breakdowns", BREAKDOWN_HEADER, breakdown_rows(result)),
        ]
    )
