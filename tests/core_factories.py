"""A small study built through the real services, for tests of the core services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey_app.models import Organisation, Site, Study
from survey_app.services import questionnaire_store, studies
from tests.factories import make_organisation, make_site


@dataclass
class SmallStudy:
    organisation: Organisation
    sites: list[Site]
    study: Study


def make_small_study(session: Session, slug: str = "impact") -> SmallStudy:
    organisation = make_organisation(session)
    sites = [make_site(session, organisation, code) for code in ("north", "south")]
    baseline = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
    follow_up = questionnaire_store.install_builtin(session, organisation, "impact-followup")
    study = studies.create_study(
        session,
        organisation,
        slug=slug,
        title="Impact",
        sites=sites,
        waves=[
            studies.WavePlan("baseline", "baseline", 0, baseline),
            studies.WavePlan("followup1", "follow_up", 90, follow_up),
        ],
    )
    return SmallStudy(organisation, sites, study)
