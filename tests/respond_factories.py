"""Test data for the respondent survey: a small study, invitations and open links."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    Invitation,
    OpenLink,
    Organisation,
    QuestionnaireVersion,
    Site,
    Study,
    Wave,
    utcnow,
)
from survey_app.services import invitations, questionnaire_store
from survey_app.services.studies import WavePlan, create_study
from survey_app.services.tokens import hash_secret, new_link_token
from tests.factories import make_beneficiary, make_organisation, make_site

_counter = itertools.count(1)


def _t(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


#: Every kind of page: required scale, condition, multiple choice with
#: "prefer not to answer", bounded integer, free text.
SMALL_DEFINITION: dict[str, Any] = {
    "schema": "ecoute-questionnaire/1",
    "key": "respond-test",
    "version": "1",
    "languages": ["fr", "en"],
    "title": _t("Petit questionnaire", "Small questionnaire"),
    "intro": _t("Quelques questions.", "A few questions."),
    "consent": _t("Vous répondez si vous le voulez.", "You only answer if you want to."),
    "sections": [
        {
            "key": "main",
            "title": _t("L'écoute", "Being heard"),
            "questions": [
                {
                    "key": "heard",
                    "type": "agreement",
                    "label": _t("On m'écoute vraiment.", "I am really listened to."),
                    "help": _t("Pensez à la dernière fois.", "Think of the last time."),
                    "required": True,
                    "indicator": "listening",
                },
                {
                    "key": "goal",
                    "type": "yes_no",
                    "label": _t("Avez-vous un but ?", "Do you have a goal?"),
                },
                {
                    "key": "progress",
                    "type": "agreement",
                    "label": _t("J'avance vers mon but.", "I am moving toward my goal."),
                    "show_if": {"question": "goal", "in": ["yes"]},
                },
                {
                    "key": "topics",
                    "type": "multiple_choice",
                    "label": _t("Pour quoi venez-vous ?", "What do you come for?"),
                    "prefer_not_to_answer": True,
                    "choices": [
                        {"code": "housing", "label": _t("Logement", "Housing")},
                        {"code": "work", "label": _t("Travail", "Work")},
                        {"code": "money", "label": _t("Argent", "Money")},
                    ],
                },
                {
                    "key": "children",
                    "type": "integer",
                    "label": _t("Combien d'enfants ?", "How many children?"),
                    "prefer_not_to_answer": True,
                    "min": 0,
                    "max": 20,
                },
                {
                    "key": "comment",
                    "type": "text_long",
                    "label": _t("Autre chose ?", "Anything else?"),
                },
            ],
        }
    ],
}
SMALL_KEYS = ("heard", "goal", "progress", "topics", "children", "comment")


@dataclass
class SurveySetup:
    organisation: Organisation
    site: Site
    study: Study
    wave: Wave
    version: QuestionnaireVersion


def make_survey_study(
    session: Session,
    *,
    definition: dict[str, Any] | None = None,
    builtin: str | None = None,
    organisation: Organisation | None = None,
) -> SurveySetup:
    """An active study with one site and one baseline wave on a published version."""
    organisation = organisation or make_organisation(session)
    site = make_site(session, organisation)
    if builtin is not None:
        version = questionnaire_store.install_builtin(session, organisation, builtin)
    else:
        draft = questionnaire_store.save_draft(
            session, organisation, copy.deepcopy(definition or SMALL_DEFINITION)
        )
        version = questionnaire_store.publish(session, draft)
    study = create_study(
        session,
        organisation,
        slug=f"study-{next(_counter)}",
        title="Test study",
        sites=[site],
        waves=[WavePlan("baseline", "baseline", 0, version)],
    )
    return SurveySetup(organisation, site, study, study.waves[0], version)


@dataclass
class IssuedLink:
    invitation: Invitation
    token: str
    short_code: str
    beneficiary: Beneficiary


def make_invitation(
    session: Session, setup: SurveySetup, *, expires_in: timedelta | None = None
) -> IssuedLink:
    beneficiary = make_beneficiary(session, setup.organisation, setup.site)
    issued = invitations.invite(session, beneficiary, setup.wave)
    if expires_in is not None:
        issued.invitation.expires_at = utcnow() + expires_in
        session.flush()
    return IssuedLink(issued.invitation, issued.token, issued.short_code, beneficiary)


def make_open_link(session: Session, setup: SurveySetup) -> tuple[OpenLink, str]:
    token = new_link_token()
    link = OpenLink(
        study_id=setup.study.id,
        site_id=setup.site.id,
        wave_id=setup.wave.id,
        token_hash=hash_secret(token),
    )
    session.add(link)
    session.flush()
    return link, token
