"""Creating studies and their waves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Organisation, QuestionnaireVersion, Site, Study, StudySite, Wave
from survey_app.services.errors import Conflict, DomainError, NotFound


@dataclass(frozen=True)
class WavePlan:
    key: str
    kind: str  # baseline | follow_up | exit
    delay_days: int
    version: QuestionnaireVersion


def create_study(
    session: Session,
    organisation: Organisation,
    *,
    slug: str,
    title: str,
    sites: list[Site],
    waves: list[WavePlan],
    invitation_validity_days: int = 30,
) -> Study:
    if session.scalar(
        select(Study).where(Study.organisation_id == organisation.id, Study.slug == slug)
    ):
        raise Conflict(f"a study with slug {slug!r} already exists")
    if not waves or waves[0].kind != "baseline":
        raise DomainError("a study starts with a baseline wave")
    for plan in waves:
        if plan.version.status != "published":
            raise DomainError(
                f"wave {plan.key!r}: only a published questionnaire version can be used"
            )
    study = Study(
        organisation_id=organisation.id,
        slug=slug,
        title=title,
        invitation_validity_days=invitation_validity_days,
    )
    session.add(study)
    session.flush()
    for site in sites:
        if site.organisation_id != organisation.id:
            raise NotFound("site not found")
        session.add(StudySite(study_id=study.id, site_id=site.id))
    for position, plan in enumerate(waves):
        session.add(
            Wave(
                study_id=study.id,
                key=plan.key,
                kind=plan.kind,
                position=position,
                delay_days=plan.delay_days,
                questionnaire_version_id=plan.version.id,
            )
        )
    session.flush()
    return study


def get_study(session: Session, organisation_id: int, slug: str) -> Study:
    study = session.scalar(
        select(Study).where(Study.organisation_id == organisation_id, Study.slug == slug)
    )
    if study is None:
        raise NotFound(f"no study {slug!r} in this organisation")
    return study
