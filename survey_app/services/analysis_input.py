"""The one thin loader from database rows to the analysis' tidy tables.

Everything statistical happens in :mod:`analysis`; this module only selects
the rows of one study (optionally a period and some sites) and shapes them as
``docs/CONTRACTS.md`` says.

A large study has millions of answers, so they are read as integer codes,
never one Python object per cell kept in memory: one query reads the
responses in scope (one row each, with their wave, site, version ids) while
:mod:`survey_app.services.answer_codes` reads the answers, coded by the
database, in a thread. The text columns of the tidy table are pandas
categoricals built from those codes (labels mapped afterwards). The filters
(study, period, sites, closed questions) are applied by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
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
from survey_app.services.answer_codes import (
    AnswerCoding,
    AnswerPairsReading,
    answer_codes,
    response_key,
)
from survey_app.services.raw_reads import Reader, fetch_all

if TYPE_CHECKING:  # pandas loads when a study is analysed, not when the app starts
    import numpy as np
    import pandas as pd

    from analysis.inputs import QuestionSpec


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
    coding = AnswerCoding.of(closed)
    with AnswerPairsReading(session, scope, coding) as reading:
        table = _response_rows(session, reading.rows_reader, scope)
        labels = _response_labels(session, study, table)
        reading.responses_fetched(table[:, 0])
        responses = _response_columns(study, table, labels)
        response, question, value, values = answer_codes(
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
            response_key(session),
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
