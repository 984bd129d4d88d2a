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
    """One row per response, one column per question of every version (codes as stored).

    Integer answers are exported as numbers; free text only when asked for.
    """
    import pandas as pd

    specs = [
        spec
        for spec in export_specs(session, study)
        if include_free_text or spec.kind not in TEXT_KINDS
    ]
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
    for spec in specs:
        if spec.kind in ("integer", "decimal", "rating", "agreement") and spec.key in wide:
            wide[spec.key] = pd.Series(
                [_as_number(value) for value in wide[spec.key]], index=wide.index, dtype=object
            )
    return wide, specs


def _as_number(value: Any) -> Any:
    """A stored numeric code as a number (``_pna`` and blanks stay as they are)."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, str) and value.lstrip("-").replace(".", "", 1).isdigit():
        return float(value)
    return value


def export_specs(session: Session, study: Study) -> list[QuestionSpec]:
    """Every question (notes aside) of every questionnaire version the study used.

    In the order of first appearance, oldest version first; a key met again in
    a later version keeps its place and takes the later wording. Scoring
    metadata (indicator, codes) comes from the analysis loader when it knows
    the question.
    """
    from analysis.inputs import QuestionSpec

    scored = {spec.key: spec for spec in question_specs(session, study)}
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
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.id.in_(version_ids))
        .order_by(QuestionnaireVersion.published_at, QuestionnaireVersion.id)
    ):
        definition = questionnaires.load_definition(version.definition, source_name=version.label)
        for question in definition.questions:
            if question.type == "note":
                continue
            known = scored.get(question.key)
            found[question.key] = QuestionSpec(
                key=question.key,
                kind=question.type,
                indicator=question.indicator,
                label=dict(question.label),
                choice_labels=(
                    known.choice_labels
                    if known is not None
                    else {choice.code: dict(choice.label) for choice in question.choices}
                ),
            )
    return list(found.values())


def data_dictionary(specs: Sequence[QuestionSpec], language: str = "en") -> list[list[str]]:
    """Rows describing every column of the answers export, in ``language``.

    The texts are translated with the export's language, not the interface's: a
    French export read by an English-speaking analyst says the same thing in
    both catalogues.
    """
    from flask_babel import force_locale
    from flask_babel import gettext as _

    other = "en" if language == "fr" else "fr"
    with force_locale(language):
        example = date_in_words(dt.date(2026, 3, 14), language)
        rows = [
            [
                _("column"),
                _("type"),
                _("indicator"),
                _("label (%(language)s)", language=language),
                _("label (%(language)s)", language=other),
                _("codes"),
            ]
        ]
        described = {
            "response_id": _("random identifier of one completed questionnaire"),
            "beneficiary_code": _("pseudonymous code of the person (empty for open links)"),
            "wave": _("wave key"),
            "wave_kind": _("baseline, follow_up or exit"),
            "site": _("site code"),
            "questionnaire_version": _("questionnaire key@version number"),
            "completed_date": _(
                "day the questionnaire was completed, month by name (e.g. %(example)s)",
                example=example,
            ),
            "mode": _("self, assisted (with a worker) or read_aloud"),
            "language": _("fr or en"),
        }
        for column, text in described.items():
            rows.append([column, _("metadata"), "", "", text, ""])
        rows.append(
            [
                _("(every question)"),
                "note",
                "",
                "",
                _(
                    "_pna = the person chose 'prefer not to answer'; empty = not answered "
                    "(or not asked: the question was hidden by its condition or not in "
                    "that version)"
                ),
                "",
            ]
        )
        for spec in specs:
            codes = "; ".join(
                f"{code} = {labels.get(language) or labels.get(other) or ''}"
                for code, labels in spec.choice_labels.items()
                if code != "_pna"  # explained once, above
            )
            if spec.kind == "agreement" and not codes:
                codes = _("1 = strongly disagree … 5 = strongly agree")
            plain_numbers = all(
                (labels.get(language) or labels.get(other) or code) == code
                for code, labels in spec.choice_labels.items()
                if code != "_pna"
            )
            if spec.kind == "rating" and (not codes or plain_numbers):
                codes = "0 … 10"  # "0 = 0; 1 = 1; …" says nothing more
            if spec.kind == "integer":
                codes = _("a whole number")
            if spec.kind == "decimal":
                codes = _("a number")
            if spec.kind == "date":
                codes = _("a day, month by name (e.g. %(example)s)", example=example)
            if spec.kind in TEXT_KINDS:
                codes = _("free text")
            rows.append(
                [
                    spec.key,
                    spec.kind,
                    spec.indicator or "",
                    spec.label.get(language, ""),
                    spec.label.get(other, ""),
                    codes,
                ]
            )
    return rows


def date_in_words(value: dt.date | dt.datetime, language: str) -> str:
    """A day or a moment with the month by name, in ``language``.

    ``14 March 2026`` / ``14 mars 2026``; a moment adds the time
    (``14 March 2026, 09:05:00``). Every export writes dates this way (issue 15:
    ``03/04`` reads as March or April depending on who opens the file).
    """
    from babel.dates import format_date, format_datetime

    locale = language if language in ("fr", "en") else "en"
    if isinstance(value, dt.datetime):
        return format_datetime(value, "d MMMM y, HH:mm:ss", locale=locale)
    return format_date(value, "d MMMM y", locale=locale)


def _plain(value: Any, language: str = "en") -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime) and not (
        value.hour or value.minute or value.second or value.microsecond
    ):
        value = value.date()  # a day read back as a pandas.Timestamp at midnight
    if isinstance(value, dt.date):
        return date_in_words(value, language)
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], language: str = "en") -> bytes:
    """UTF-8 with BOM (so spreadsheet software reads the accents), formulas neutralised,
    dates with the month by name in ``language``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_plain(value, language)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], language: str = "en"
) -> bytes:
    """A workbook with one sheet per (title, header, rows); formulas neutralised, dates
    with the month by name in ``language``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(_plain(value, language)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def answers_export(
    session: Session, study: Study, params: ReportParameters, fmt: str, *, include_free_text: bool
) -> bytes:
    frame, specs = answers_table(session, study, params, include_free_text=include_free_text)
    frame = _days_as_dates(frame, specs)
    header = list(frame.columns)
    rows = frame.itertuples(index=False, name=None)
    if fmt == "csv":
        return to_csv(header, rows, params.lang)
    dictionary = data_dictionary(specs, params.lang)
    return to_xlsx(
        [("answers", header, rows), ("data dictionary", dictionary[0], dictionary[1:])],
        params.lang,
    )


def _days_as_dates(frame: pd.DataFrame, specs: Sequence[QuestionSpec]) -> pd.DataFrame:
    """``completed_date`` and date answers as ``datetime.date`` (written with month names).

    The database driver may hand a day back as text (SQLite) or a Timestamp; a
    date answer is stored as ``YYYY-MM-DD`` text (docs/CONTRACTS.md).
    """
    columns = ["completed_date"] + [spec.key for spec in specs if spec.kind == "date"]
    frame = frame.copy()
    for column in columns:
        if column in frame:
            frame[column] = _as_days(frame[column])
    return frame


def _as_days(column: pd.Series) -> pd.Series:
    """Each ISO day (text, date or Timestamp) as a ``datetime.date``; anything else kept."""
    import pandas as pd

    def as_day(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return value  # "_pna" stays as it is
        return value

    return pd.Series([as_day(value) for value in column], index=column.index, dtype=object)


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


def _rounded(value: Any, digits: int) -> Any:
    return round(float(value), digits) if isinstance(value, (int, float)) else value


def _share(value: Any) -> Any:
    """Shares and their limits: 3 decimals (0.1 percentage point)."""
    return _rounded(value, 3)


def _mean(value: Any) -> Any:
    """Means, changes and effect sizes: 2 decimals."""
    return _rounded(value, 2)


def _p(value: Any) -> Any:
    """p-values: 4 decimals (below 0.0001 reads as 0.0)."""
    return _rounded(value, 4)


TREND_HEADER = ("target", "period", "n", "share_positive", "ci_low", "ci_high", "suppressed")


def _period_name(period: str, language: str) -> str:
    """``2026-03`` → "March 2026" / "mars 2026"; quarters (``2026-Q1``) unchanged."""
    from babel.dates import format_date

    try:
        year, month = (int(part) for part in period.split("-"))
    except ValueError:
        return period
    return format_date(dt.date(year, month, 1), "MMMM yyyy", locale=language)


def trend_rows(result: analysis.StudyAnalysis, language: str) -> list[list[Any]]:
    return [
        [
            trend.target,
            _period_name(point.period, language),
            point.n,
            _share(point.share),
            _share(point.interval.low),
            _share(point.interval.high),
            "yes" if point.suppressed else "",
        ]
        for trend in result.trends
        for point in trend.points
    ]


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
                _share(positive.estimate) if positive else None,
                _share(positive.interval.low) if positive else None,
                _share(positive.interval.high) if positive else None,
                _mean(location.mean) if location else None,
                _mean(location.mean_interval.low) if location else None,
                _mean(location.mean_interval.high) if location else None,
                _mean(item.nps.nps) if item.nps else None,
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
                _mean(pair.mean_change),
                _mean(pair.change_interval.low),
                _mean(pair.change_interval.high),
                _share(pair.share_improved),
                _share(pair.share_unchanged),
                _share(pair.share_worse),
                _p(gain.p_value),
                _p(gain.p_holm),
                _mean(pair.rank_biserial.estimate),
                _mean(pair.cohen_dz.estimate),
            ]
        elif test is not None:
            values = [
                test.n_pairs,
                _share(test.difference),
                _share(test.difference_interval.low),
                _share(test.difference_interval.high),
                _share(test.n_improved / test.n_pairs)
                if test.n_pairs and test.n_improved is not None
                else None,
                None,
                _share(test.n_worse / test.n_pairs)
                if test.n_pairs and test.n_worse is not None
                else None,
                _p(gain.p_value),
                _p(gain.p_holm),
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
                    _share(row.positive.estimate),
                    _share(row.positive.interval.low),
                    _share(row.positive.interval.high),
                    _mean(row.mean),
                    breakdown.test.test,
                    _p(breakdown.test.p_value),
                    "yes" if hidden else "",
                    share_bound_text(row.positive),
                ]
            )
    return rows


def indicators_export(result: analysis.StudyAnalysis, fmt: str, language: str = "en") -> bytes:
    """The indicator tables of ``indicators --json``, flattened and rounded; suppressed
    cells stay empty; months by name in ``language``."""
    if fmt == "csv":
        return to_csv(INDICATOR_HEADER, indicator_rows(result), language)
    return to_xlsx(
        [
            ("indicators", INDICATOR_HEADER, indicator_rows(result)),
            ("gains", GAIN_HEADER, gain_rows(result)),
            ("breakdowns", BREAKDOWN_HEADER, breakdown_rows(result)),
            ("trends", TREND_HEADER, trend_rows(result, language)),
        ],
        language,
    )
