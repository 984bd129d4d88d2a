"""A throwaway database ready for a load run: migrated, one study, N invitation tokens.

The bench questionnaire has exactly 12 questions (the issue's "12-question
survey"): the first twelve unconditional questions of the built-in
``impact-baseline``, so pages look like real ones (agreement scales, yes/no,
a 0-10 rating) without the free-text and integer pages whose answers a
simulated respondent would have to invent.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

BENCH_SLUG = "bench"
BENCH_QUESTIONS = 12
# A fresh secret per run: nothing here must ever work against a real installation.
SECRET_KEY = secrets.token_urlsafe(32)


@dataclass(frozen=True)
class BenchStudy:
    database_url: str
    tokens: list[str]
    question_keys: list[str]


def bench_definition() -> dict[str, Any]:
    """The built-in baseline cut down to its first 12 closed, unconditional questions."""
    import questionnaires

    definition = copy.deepcopy(
        questionnaires.dump_definition(questionnaires.load_builtin("impact-baseline"))
    )
    definition["key"] = "bench-12"
    kept = 0
    sections = []
    for section in definition["sections"]:
        questions = []
        for question in section["questions"]:
            closed = question["type"] in ("agreement", "yes_no", "rating", "single_choice")
            if kept < BENCH_QUESTIONS and closed and not question.get("show_if"):
                questions.append(question)
                kept += 1
        if questions:
            sections.append({**section, "questions": questions})
    if kept != BENCH_QUESTIONS:
        raise RuntimeError(f"the built-in baseline has only {kept} usable questions")
    definition["sections"] = sections
    return definition


def make_app(database_url: str) -> Any:
    from survey_app import create_app

    return create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "LOG_LEVEL": "WARNING"}
    )


def prepare(database_url: str, invitations: int) -> BenchStudy:
    """Migrate ``database_url`` and create the bench study with ``invitations`` links."""
    from flask_migrate import upgrade

    from survey_app.extensions import db
    from survey_app.models import Beneficiary, Site, utcnow
    from survey_app.services import accounts, questionnaire_store
    from survey_app.services import invitations as invitation_service
    from survey_app.services.studies import WavePlan, create_study

    app = make_app(database_url)
    with app.app_context():
        upgrade(revision="heads")
        session = db.session
        organisation = accounts.create_organisation(session, BENCH_SLUG, "Bench organisation")
        site = Site(organisation_id=organisation.id, code="B1", name="Bench site")
        session.add(site)
        session.flush()
        version = questionnaire_store.publish(
            session, questionnaire_store.save_draft(session, organisation, bench_definition())
        )
        study = create_study(
            session,
            organisation,
            slug=BENCH_SLUG,
            title="Load test",
            sites=[site],
            # Baseline invitations are dated two days back, so the follow-up
            # (one day later) is due: ``invitations send-due`` has work to do
            # while the fault test runs it concurrently.
            waves=[
                WavePlan("baseline", "baseline", 0, version),
                WavePlan("follow_up", "follow_up", 1, version),
            ],
        )
        wave = next(w for w in study.waves if w.kind == "baseline")
        people = [
            Beneficiary(
                organisation_id=organisation.id,
                site_id=site.id,
                code=f"L-{number:06d}",
                support_started_on=date.today() - timedelta(days=10),
            )
            for number in range(invitations)
        ]
        session.add_all(people)
        session.flush()
        now = utcnow() - timedelta(days=2)
        tokens = []
        for person in people:
            issued = invitation_service.new_invitation(person, wave, study, now=now)
            issued.invitation.sent_at = now
            session.add(issued.invitation)
            tokens.append(issued.token)
        session.commit()
        keys = [q["key"] for s in bench_definition()["sections"] for q in s["questions"]]
        db.session.remove()
        db.engine.dispose()
    return BenchStudy(database_url=database_url, tokens=tokens, question_keys=keys)


def random_suffix() -> str:
    return secrets.token_hex(4)
