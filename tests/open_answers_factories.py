"""A study with open answers, for the open-answer tests (issue 17)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from survey_app.models import Answer, Organisation, Response, Site, Study
from survey_app.services import questionnaire_store, studies
from tests.factories import make_beneficiary

THEMED_FR = {
    "logement": [
        "Je cherche toujours un logement, c'est dur.",
        "On attend un logement social depuis longtemps.",
        "le logement est trop petit et humide",
        "Sans logement on ne peut rien prévoir.",
    ],
    "attente": [
        "Trop d'attente pour un rendez-vous.",
        "Les rendez-vous sont trop espacés, attente longue.",
        "on attend longtemps avant le rendez-vous",
        "Il faut attendre des semaines pour un rendez-vous.",
    ],
}


def make_open_answer_study(
    session: Session,
    organisation: Organisation,
    sites: list[Site],
    answers: list[tuple[Site, str, str, str]],
) -> Study:
    """A study on the built-in questionnaires; ``answers`` are (site, mode, language, text).

    Each text is one person's answer to the baseline's open question ``comment``.
    """
    baseline = questionnaire_store.install_builtin(session, organisation, "impact-baseline")
    study = studies.create_study(
        session,
        organisation,
        slug=f"open-{organisation.id}",
        title="Open answers study",
        sites=sites,
        waves=[studies.WavePlan("baseline", "baseline", 0, baseline)],
    )
    wave = study.waves[0]
    for index, (site, mode, language, text) in enumerate(answers):
        beneficiary = make_beneficiary(session, organisation, site)
        response = Response(
            organisation_id=organisation.id,
            study_id=study.id,
            wave_id=wave.id,
            questionnaire_version_id=wave.questionnaire_version_id,
            site_id=site.id,
            beneficiary_id=beneficiary.id,
            mode=mode,
            language=language,
            started_at=datetime(2026, 3, 1, 9, 0),
            completed_at=datetime(2026, 3, 1, 9, 10),
            completed_on=date(2026, 3, 1 + index % 27),
            consented=True,
        )
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_key="comment", value=text))
    session.flush()
    return study


def theme_of_world(world) -> int:
    """A theme of the permission walk's study (created once), for ``<theme_id>`` routes."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    from survey_app.models import OpenAnswerTheme

    session = object_session(world.study)
    theme = session.scalar(
        select(OpenAnswerTheme).where(OpenAnswerTheme.study_id == world.study.id)
    )
    if theme is None:
        theme = OpenAnswerTheme(
            organisation_id=world.organisation.id, study_id=world.study.id, label="Logement"
        )
        session.add(theme)
        session.commit()
    return theme.id
