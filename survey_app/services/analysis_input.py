"""The one thin loader from database rows to the analysis' tidy tables.

Everything statistical happens in :mod:`analysis`; this module only selects
the rows of one study (optionally a period and some sites) and shapes them as
``docs/CONTRACTS.md`` says. It reads with a single SQL query per table through
pandas, because a large study has millions of answers and ORM objects would
cost far more memory than the analysis itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

import questionnaires
from analysis.inputs import (
    ANSWER_COLUMNS,
    INVITATION_COLUMNS,
    INVITATION_OPTIONAL_COLUMNS,
    QuestionSpec,
)
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
        definition = questionnaires.load_definition(version.definition, source_name=version.label)
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
    specs = question_specs(session, study)
    closed = {spec.key: spec for spec in specs if spec.analysed}
    conditions = [Response.study_id == study.id, Response.completed_on.is_not(None)]
    if date_from is not None:
        conditions.append(Response.completed_on >= date_from)
    if date_to is not None:
        conditions.append(Response.completed_on <= date_to)
    if site_codes:
        conditions.append(Site.code.in_(site_codes))
    version_label = (
        Questionnaire.key + literal("@") + func.cast(QuestionnaireVersion.number, _text_type())
    )
    query = (
        select(
            Response.id.label("response_id"),
            Beneficiary.code.label("beneficiary_code"),
            literal(study.slug).label("study"),
            Wave.key.label("wave"),
            Wave.kind.label("wave_kind"),
            Site.code.label("site"),
            version_label.label("questionnaire_version"),
            Answer.question_key,
            Answer.value,
            Response.completed_on.label("completed_date"),
            Response.mode,
            Response.language,
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Site, Site.id == Response.site_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .outerjoin(Beneficiary, Beneficiary.id == Response.beneficiary_id)
        .where(and_(*conditions), Answer.question_key.in_(list(closed)))
    )
    frame = pd.read_sql(query, session.connection())
    frame["indicator"] = frame["question_key"].map(
        {key: spec.indicator for key, spec in closed.items()}
    )
    frame["completed_date"] = pd.to_datetime(frame["completed_date"])
    frame["beneficiary_code"] = (
        frame["beneficiary_code"].astype(object).where(frame["beneficiary_code"].notna(), None)
    )
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
    answers = frame.loc[:, list(ANSWER_COLUMNS)]
    versions = sorted(answers["questionnaire_version"].unique().tolist())
    return StudyTables(
        answers=answers,
        questions=list(closed.values()),
        invitations=_invitations(session, study, date_from, date_to, site_codes),
        versions=versions,
    )


def _text_type():
    from sqlalchemy import String

    return String()


def _invitations(
    session: Session,
    study: Study,
    date_from: date | None,
    date_to: date | None,
    site_codes: list[str] | None,
) -> pd.DataFrame:
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
